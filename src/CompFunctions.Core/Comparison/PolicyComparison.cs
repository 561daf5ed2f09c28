using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Statements;

namespace CompFunctions.Core.Comparison;

/// <summary>One SDR's meetings of one period, with the period before (for duplicates and opportunities paid once).</summary>
public sealed record SdrPeriodMeetings(string SdrId, CompPeriod Period, IReadOnlyList<Meeting> Meetings, IReadOnlyList<Meeting> Earlier);

/// <summary>What one policy would cost on the meetings compared, and what that money bought.</summary>
public sealed record PolicyOutcome(
    string Policy,
    string Currency,
    decimal Cost,
    int Meetings,
    int MeetingsPaid,
    int MeetingsQualified,
    int Opportunities,
    decimal Pipeline,
    decimal ClosedWonRevenue,
    decimal? CostPerPaidMeeting,
    decimal? CostPerQualifiedMeeting,
    decimal? CostPerOpportunity,
    decimal? CostPerPipelineDollar,
    decimal? CostPerClosedWonDollar,
    IReadOnlyDictionary<string, decimal> CostBySdr);

/// <summary>A meeting the two policies pay differently, with each policy's reasons.</summary>
public sealed record OutcomeChange(string MeetingId, string SdrId, string FromPolicy, decimal FromAmount, string FromVerdict, string ToPolicy, decimal ToAmount, string ToVerdict);

public sealed record ComparisonResult(IReadOnlyList<PolicyOutcome> Policies, IReadOnlyList<OutcomeChange> Changes);

/// <summary>
/// Runs the same meetings through several policies side by side, in memory: nothing is written,
/// so the ledger and statements cannot change. The first policy is the baseline the others'
/// changes are listed against.
/// </summary>
public static class PolicyComparison
{
    public static ComparisonResult Compare(IReadOnlyList<SdrPeriodMeetings> groups, IReadOnlyList<(string Name, PolicySet Policies)> policies, EvaluationContext context)
    {
        var evaluated = policies
            .Select(p => (p.Name, Evaluations: groups.Select(g => (g.SdrId, Evaluation: new PeriodEvaluator(p.Policies, context).Evaluate(g.SdrId, g.Period, g.Meetings, g.Earlier))).ToArray()))
            .ToArray();
        var meetings = groups.SelectMany(g => g.Meetings).ToArray();
        var opportunities = meetings.Where(m => m.OpportunityId is not null).GroupBy(m => m.OpportunityId!).Select(g => g.First()).ToArray();
        var outcomes = evaluated.Select(e =>
        {
            var lines = e.Evaluations.SelectMany(x => x.Evaluation.Lines).ToArray();
            var currency = lines.FirstOrDefault()?.Amount.Currency.Code ?? "USD";
            var pipeline = opportunities.Where(o => o.Currency == currency && context.Stages.Contains(o.FurthestStage)).Sum(o => o.OpportunityAmount ?? 0m);
            var won = opportunities.Where(o => o.Currency == currency && context.Stages.HasReached(o.FurthestStage, context.Stages.Stages[^1])).Sum(o => o.OpportunityAmount ?? 0m);
            var perMeeting = PerMeeting(e.Evaluations.Select(x => x.Evaluation));
            var cost = lines.Sum(l => l.Amount.Amount);
            var qualified = e.Evaluations.SelectMany(x => x.Evaluation.Meetings).Count(m => m.Verdict?.Qualified == true);
            return new PolicyOutcome(
                e.Name, currency, cost, meetings.Length,
                perMeeting.Count(m => m.Value > 0), qualified, opportunities.Length, pipeline, won,
                Per(cost, perMeeting.Count(m => m.Value > 0), 2), Per(cost, qualified, 2), Per(cost, opportunities.Length, 2), Per(cost, pipeline, 4), Per(cost, won, 4),
                e.Evaluations.GroupBy(x => x.SdrId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.SelectMany(x => x.Evaluation.Lines).Sum(l => l.Amount.Amount), StringComparer.Ordinal));
        }).ToArray();

        var changes = new List<OutcomeChange>();
        if (evaluated.Length > 1)
        {
            var baseline = Details(evaluated[0].Evaluations.Select(x => x.Evaluation));
            foreach (var other in evaluated.Skip(1))
            {
                foreach (var (meetingId, detail) in Details(other.Evaluations.Select(x => x.Evaluation)))
                {
                    var before = baseline[meetingId];
                    if (before.Amount != detail.Amount)
                    {
                        changes.Add(new OutcomeChange(meetingId, detail.SdrId, evaluated[0].Name, before.Amount, before.Verdict, other.Name, detail.Amount, detail.Verdict));
                    }
                }
            }
        }

        return new ComparisonResult(outcomes, changes);
    }

    private static Dictionary<string, decimal> PerMeeting(IEnumerable<PeriodEvaluation> evaluations) =>
        evaluations.SelectMany(e => e.Meetings).ToDictionary(m => m.Meeting.MeetingId, m => m.Lines.Sum(l => l.Amount.Amount), StringComparer.Ordinal);

    private static Dictionary<string, (string SdrId, decimal Amount, string Verdict)> Details(IEnumerable<PeriodEvaluation> evaluations) =>
        evaluations.SelectMany(e => e.Meetings).ToDictionary(
            m => m.Meeting.MeetingId,
            m => (m.Meeting.SdrId, m.Lines.Sum(l => l.Amount.Amount), m.Verdict?.Explanation ?? m.Lines.FirstOrDefault()?.Reason ?? ""),
            StringComparer.Ordinal);

    private static decimal? Per(decimal cost, decimal units, int digits) =>
        units == 0 ? null : Math.Round(cost / units, digits, MidpointRounding.AwayFromZero);
}
