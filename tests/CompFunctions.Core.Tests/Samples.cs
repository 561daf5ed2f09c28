using Xunit;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Plans;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;

namespace CompFunctions.Core.Tests;

/// <summary>The bundled sample documents under <c>samples/comp-config</c>, as the product reads them.</summary>
internal static class Samples
{
    public static EvaluationContext Context { get; } = new(new CompanyCalendar("America/Los_Angeles"), StageOrder.Default);

    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "samples", relative);

    public static Ruleset Ruleset(string id = "icp-2026") =>
        PolicyDocuments.ParseRuleset(File.ReadAllText(PathOf($"comp-config/rulesets/{id}.json")), $"rulesets/{id}.json", Context);

    public static CompPlan Plan => PolicyDocuments.ParsePlan(File.ReadAllText(PathOf("comp-config/plans/sdr-2026.json")), "plans/sdr-2026.json", Context);

    /// <summary>The sample plan qualifying with the given ruleset versions.</summary>
    public static PeriodEvaluator Evaluator(params Ruleset[] rulesets)
    {
        rulesets = rulesets.Length == 0 ? [Ruleset()] : rulesets;
        var plan = Plan with { Ruleset = rulesets[0].Id };
        return new PeriodEvaluator(
            PolicySet.ForPlan(new PolicyVersions<CompPlan>([plan]), new Dictionary<string, PolicyVersions<Ruleset>> { [plan.Ruleset] = new(rulesets) }),
            Context);
    }

    public static CompPlan PlanNamed(string id) =>
        PolicyDocuments.ParsePlan(File.ReadAllText(PathOf($"comp-config/plans/{id}.json")), $"plans/{id}.json", Context);

    /// <summary>A sample plan with the sample ruleset it names, everyone on it.</summary>
    public static PolicySet PolicySetForPlan(string planId)
    {
        var plan = PlanNamed(planId);
        return PolicySet.ForPlan(new PolicyVersions<CompPlan>([plan]), new Dictionary<string, PolicyVersions<Ruleset>> { [plan.Ruleset] = new([Ruleset(plan.Ruleset)]) });
    }

    public static PeriodEvaluator EvaluatorForPlan(string planId) => new(PolicySetForPlan(planId), Context);

    /// <summary>sdr-ana's November 2026, the period of the brief's scenario.</summary>
    public static IReadOnlyList<MeetingEvaluation> Evaluate(this PeriodEvaluator evaluator, IReadOnlyList<Meeting> meetings, IReadOnlyList<Meeting> earlier) =>
        evaluator.Evaluate("sdr-ana", CompPeriod.Parse("2026-11"), meetings, earlier).Meetings;

    public static MeetingEvaluation Evaluate(this PeriodEvaluator evaluator, Meeting meeting) =>
        Assert.Single(evaluator.Evaluate([meeting], []));

    public static Verdict Verdict(string rulesetId, Meeting meeting, params Meeting[] others) =>
        Evaluator(Ruleset(rulesetId)).Evaluate([meeting, .. others], []).Single(e => e.Meeting.MeetingId == meeting.MeetingId).Verdict!;
}
