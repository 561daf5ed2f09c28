using CompFunctions.Core.Plans;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;

namespace CompFunctions.Core.Evaluation;

/// <summary>
/// Every accepted version of the documents one evaluation needs: the plans, the rulesets they
/// name, the roster (which SDR is on which plan; without one, everyone is on the default plan) and
/// the exchange rates.
/// </summary>
public sealed class PolicySet(
    string defaultPlanId,
    IReadOnlyDictionary<string, PolicyVersions<CompPlan>> plans,
    IReadOnlyDictionary<string, PolicyVersions<Ruleset>> rulesets,
    PolicyVersions<Roster>? rosters = null,
    FxTable? fx = null)
{
    public string DefaultPlanId { get; } = defaultPlanId;

    public IReadOnlyDictionary<string, PolicyVersions<CompPlan>> Plans { get; } = plans;

    public IReadOnlyDictionary<string, PolicyVersions<Ruleset>> Rulesets { get; } = rulesets;

    public PolicyVersions<Roster> Rosters { get; } = rosters ?? new PolicyVersions<Roster>([]);

    public FxTable Fx { get; } = fx ?? FxTable.Empty;

    /// <summary>Just one plan's versions and its rulesets, everyone on it.</summary>
    public static PolicySet ForPlan(PolicyVersions<CompPlan> plan, IReadOnlyDictionary<string, PolicyVersions<Ruleset>> rulesets, FxTable? fx = null) =>
        new(plan.All[0].Id, new Dictionary<string, PolicyVersions<CompPlan>> { [plan.All[0].Id] = plan }, rulesets, null, fx);

    /// <summary>The plan, ruleset and assignment in force for an SDR on a local day, or the reason there are none.</summary>
    public (CompPlan? Plan, Ruleset? Ruleset, Assignment? Assignment, string? Problem) InForceOn(string sdrId, DateOnly day)
    {
        string Text() => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assignment? assignment = null;
        var planId = DefaultPlanId;
        if (Rosters.All.Count > 0)
        {
            var roster = Rosters.InForceOn(day);
            assignment = roster?.For(sdrId, day);
            if (assignment is null)
            {
                return (null, null, null, roster is null
                    ? $"no roster is in force on {Text()}"
                    : $"roster {roster.Id} v{roster.Version} assigns no plan to {sdrId} on {Text()}");
            }

            planId = assignment.Plan;
        }

        var plan = Plans.TryGetValue(planId, out var versions) ? versions.InForceOn(day) : null;
        if (plan is null)
        {
            var first = versions?.All.Count > 0 ? $" (its first version starts {versions.All[0].EffectiveFrom:yyyy-MM-dd})" : "";
            return (null, null, assignment, $"no version of plan {planId} is in force on {Text()}{first}");
        }

        var ruleset = Rulesets.TryGetValue(plan.Ruleset, out var rulesetVersions) ? rulesetVersions.InForceOn(day) : null;
        return ruleset is null
            ? (plan, null, assignment, $"plan {plan.Ref} qualifies with ruleset {plan.Ruleset}, which has no accepted version in force on {Text()}")
            : (plan, ruleset, assignment, null);
    }
}
