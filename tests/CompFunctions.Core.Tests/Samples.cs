using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Plans;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;

namespace CompFunctions.Core.Tests;

/// <summary>The bundled sample documents under <c>samples/</c>, as the product reads them.</summary>
internal static class Samples
{
    public static EvaluationContext Context { get; } = new(new CompanyCalendar("America/Los_Angeles"), StageOrder.Default);

    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "samples", relative);

    public static Ruleset Ruleset => PolicyDocuments.ParseRuleset(File.ReadAllText(PathOf("policies/ruleset-icp-2026.json")), "ruleset-icp-2026.json");

    public static CompPlan Plan => PolicyDocuments.ParsePlan(File.ReadAllText(PathOf("policies/plan-sdr-2026.json")), "plan-sdr-2026.json", Context);

    public static MeetingEvaluator Evaluator => new(Ruleset, Plan, Context);
}
