using CompFunctions.Core.Plans;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;

namespace CompFunctions.Core.Evaluation;

/// <summary>Every accepted version of one plan and of the rulesets its versions name.</summary>
public sealed class PolicySet(string planId, PolicyVersions<CompPlan> plans, IReadOnlyDictionary<string, PolicyVersions<Ruleset>> rulesets)
{
    public string PlanId { get; } = planId;

    public PolicyVersions<CompPlan> Plans { get; } = plans;

    public IReadOnlyDictionary<string, PolicyVersions<Ruleset>> Rulesets { get; } = rulesets;

    /// <summary>The plan and ruleset in force on a local day, or the reason there are none.</summary>
    public (CompPlan? Plan, Ruleset? Ruleset, string? Problem) InForceOn(DateOnly day)
    {
        var text = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var plan = Plans.InForceOn(day);
        if (plan is null)
        {
            var first = Plans.All.Count > 0 ? $" (its first version starts {Plans.All[0].EffectiveFrom:yyyy-MM-dd})" : "";
            return (null, null, $"no version of plan {PlanId} is in force on {text}{first}");
        }

        var ruleset = Rulesets.TryGetValue(plan.Ruleset, out var versions) ? versions.InForceOn(day) : null;
        return ruleset is null
            ? (plan, null, $"plan {plan.Ref} qualifies with ruleset {plan.Ruleset}, which has no accepted version in force on {text}")
            : (plan, ruleset, null);
    }
}
