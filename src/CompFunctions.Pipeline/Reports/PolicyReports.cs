using CompFunctions.Core.Comparison;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Statements;
using CompFunctions.Pipeline.Storage;
using Microsoft.Extensions.Options;

namespace CompFunctions.Pipeline.Reports;

/// <summary>
/// The reports finance and sales leads read about policy, computed in memory from what storage
/// holds: a comparison of plans on the same meetings, and the live policy measured on a period.
/// Both only read; nothing they do can change the ledger or a statement. The HTTP routes and the
/// local host's <c>compare</c> command call these.
/// </summary>
public sealed class PolicyReports(LedgerReader ledger, PolicyStore policies, EvaluationContext context, IOptions<CompensationOptions> options, TimeProvider clock)
{
    /// <summary>What each plan would have paid for the meetings of <paramref name="periods"/>; null and the plan id when a plan has no accepted version.</summary>
    public async Task<(ComparisonResult? Result, string? UnknownPlan)> CompareAsync(IReadOnlyList<CompPeriod> periods, IReadOnlyList<string> plans, CancellationToken cancellationToken)
    {
        var sets = new List<(string, PolicySet)>();
        foreach (var planId in plans.Distinct(StringComparer.Ordinal))
        {
            var set = await policies.LoadPlanAsync(planId, options.Value.FxTableId, cancellationToken).ConfigureAwait(false);
            if (set is null)
            {
                return (null, planId);
            }

            sets.Add((planId, set));
        }

        var groups = new List<SdrPeriodMeetings>();
        foreach (var period in periods.Distinct().Order())
        {
            var current = await ledger.MeetingsAsync(period, cancellationToken).ConfigureAwait(false);
            var earlier = await ledger.MeetingsAsync(period.Previous(), cancellationToken).ConfigureAwait(false);
            groups.AddRange(current.GroupBy(m => m.SdrId, StringComparer.Ordinal).Select(g =>
                new SdrPeriodMeetings(g.Key, period, g.ToArray(), earlier.Where(m => m.SdrId == g.Key).ToArray())));
        }

        return (PolicyComparison.Compare(groups, sets, context), null);
    }

    /// <summary>
    /// The live policy on one period: its statements (what the configured plan, or the plans the
    /// roster assigns, actually pay) and its meetings, against the configured budgets, as of today
    /// in the company time zone.
    /// </summary>
    public async Task<PeriodMeasure> MeasureAsync(CompPeriod period, CancellationToken cancellationToken)
    {
        var meetings = await ledger.MeetingsAsync(period, cancellationToken).ConfigureAwait(false);
        // Only the statements' lines and nets are measured; whether the month is locked does not change them.
        var statements = await ledger.StatementsAsync(period, Statement.Open, cancellationToken).ConfigureAwait(false);
        var today = context.Calendar.LocalDate(clock.GetUtcNow());
        return PolicyMeasure.Measure(period, meetings, statements, options.Value.TeamBudgets(), today, context.Stages);
    }
}
