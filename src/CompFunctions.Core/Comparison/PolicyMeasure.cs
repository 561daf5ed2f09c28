using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Statements;

namespace CompFunctions.Core.Comparison;

/// <summary>
/// What one group of a period's meetings (an SDR, a segment, a qualification path, or all of
/// them) was paid and what the paid ones turned into. <see cref="Cost"/> is the pay of every
/// meeting of the group; the rest counts only the <see cref="Paid"/> meetings (net pay above
/// zero): how many the AE accepted (SAO), the distinct opportunities they carry, how many of those
/// were won, and their amounts (in the pay currency). Rates are fractions of the paid meetings;
/// <see cref="PipelinePerPay"/> and <see cref="RevenuePerPay"/> are dollars of pipeline and of
/// closed-won revenue per dollar paid (null when nothing was paid).
/// </summary>
public sealed record FunnelRow(
    string Key,
    int Meetings,
    int Paid,
    int Sao,
    int Opportunities,
    int ClosedWon,
    decimal Cost,
    decimal Pipeline,
    decimal ClosedWonRevenue,
    decimal? SaoRate,
    decimal? OpportunityRate,
    decimal? ClosedWonRate,
    decimal? PipelinePerPay,
    decimal? RevenuePerPay);

/// <summary>
/// The live policy measured on one period: what the statements pay (<see cref="Spend"/>, which is
/// <see cref="PaidForMeetings"/> + <see cref="PeriodLines"/> + <see cref="Adjustments"/> to the
/// cent) as of the local day <see cref="AsOf"/>, the funnel of the paid meetings in total and split by qualification path, segment and
/// SDR, and each team's spend against its budget. <see cref="Warnings"/> holds what finance must
/// act on (a budget exceeded or on course to be); <see cref="Notes"/> what was left out and why.
/// </summary>
public sealed record PeriodMeasure(
    string Period,
    DateOnly AsOf,
    string Currency,
    decimal Spend,
    decimal PaidForMeetings,
    decimal PeriodLines,
    decimal Adjustments,
    FunnelRow Total,
    IReadOnlyList<FunnelRow> ByPath,
    IReadOnlyList<FunnelRow> BySegment,
    IReadOnlyList<FunnelRow> BySdr,
    IReadOnlyList<BudgetCheck> Budgets,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Notes);

/// <summary>
/// Measures the live policy from its own ledger: the period's meetings (what they turned into)
/// and the period's statements (what was paid). Pure: reads nothing, writes nothing.
/// </summary>
public static class PolicyMeasure
{
    /// <summary>Qualification paths in the order rulesets list them, then the ways a meeting does not count.</summary>
    public static IReadOnlyList<string> PathOrder { get; } =
        ["icp", "ae_accepted", "stage_reached", "exception", "meeting_set", NotQualified, Disqualified, NotPriced, NotEvaluated];

    public const string NotQualified = "not_qualified";
    public const string Disqualified = "disqualified";
    public const string NotPriced = "not_priced";

    /// <summary>A meeting in storage with no line in the period's statements yet (its evaluation has not landed).</summary>
    public const string NotEvaluated = "not_evaluated";

    public const string NoSegment = "(none)";

    /// <param name="meetings">Every meeting booked in the period (all SDRs).</param>
    /// <param name="statements">Every statement of the period: the ledger as finance pays it.</param>
    /// <param name="today">The local day in the company time zone, for the budgets' projection.</param>
    public static PeriodMeasure Measure(CompPeriod period, IReadOnlyList<Meeting> meetings, IReadOnlyList<Statement> statements, IReadOnlyList<TeamBudget> budgets, DateOnly today, StageOrder stages)
    {
        var notes = new List<string>();
        var currency = statements.GroupBy(s => s.Currency).OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Code, StringComparer.Ordinal).Select(g => g.Key).FirstOrDefault(Money.Currency.USD);
        var foreign = statements.Where(s => s.Currency != currency).ToArray();
        foreach (var s in foreign)
        {
            notes.Add($"{s.SdrId} is paid in {s.Currency.Code}: left out of this {currency.Code} report.");
        }

        var left = foreign.Select(s => s.SdrId).ToHashSet(StringComparer.Ordinal);
        var paidIn = statements.Where(s => s.Currency == currency).ToArray();
        var measured = meetings.Where(m => !left.Contains(m.SdrId)).OrderBy(m => m.BookedAt).ThenBy(m => m.MeetingId, StringComparer.Ordinal).ToArray();
        var ids = measured.Select(m => m.MeetingId).ToHashSet(StringComparer.Ordinal);
        var lines = paidIn.SelectMany(s => s.Lines).ToArray();
        var byMeeting = lines.Where(l => l.Kind != LineKind.Adjustment && ids.Contains(l.MeetingId)).ToLookup(l => l.MeetingId, StringComparer.Ordinal);

        var rows = measured.Select(m => new Measured(m, byMeeting[m.MeetingId].Sum(l => l.Amount.Amount), PathOf(byMeeting[m.MeetingId].ToArray()))).ToArray();
        var otherCurrencies = rows.Where(r => r.Pay > 0 && r.Meeting.OpportunityId is not null && r.Meeting.Currency is { } c && c != currency.Code).Select(r => r.Meeting.OpportunityId!).Distinct(StringComparer.Ordinal).ToArray();
        if (otherCurrencies.Length > 0)
        {
            notes.Add($"Opportunities in another currency than {currency.Code} count as opportunities but their amounts are left out of pipeline and revenue: {string.Join(", ", otherCurrencies)}.");
        }

        var notEvaluated = rows.Count(r => r.Path == NotEvaluated);
        if (notEvaluated > 0)
        {
            notes.Add($"{notEvaluated} meeting(s) have no line in the statements yet (their evaluation has not landed): counted as {NotEvaluated}, paid nothing.");
        }

        FunnelRow Funnel(string key, IEnumerable<Measured> group) => FunnelOf(key, group.ToArray(), currency.Code, stages);

        var checks = new List<BudgetCheck>();
        foreach (var team in budgets)
        {
            if (team.AmountFor(period) is not { } amount)
            {
                continue;
            }

            if (team.Currency != currency && statements.Any(s => team.Covers(s.SdrId) && s.Currency != team.Currency))
            {
                notes.Add($"Team {team.Team}'s budget is in {team.Currency.Code}; spend in other currencies is not counted against it.");
            }

            var spend = statements.Where(s => s.Currency == team.Currency && team.Covers(s.SdrId)).Sum(s => s.Totals.Net.Amount);
            checks.Add(BudgetCheck.For(team, period, amount, spend, today));
        }

        return new PeriodMeasure(
            period.ToString(),
            today,
            currency.Code,
            lines.Sum(l => l.Amount.Amount),
            rows.Sum(r => r.Pay),
            lines.Where(l => l.Kind != LineKind.Adjustment && !ids.Contains(l.MeetingId)).Sum(l => l.Amount.Amount),
            lines.Where(l => l.Kind == LineKind.Adjustment).Sum(l => l.Amount.Amount),
            Funnel("all", rows),
            rows.GroupBy(r => r.Path, StringComparer.Ordinal).OrderBy(g => Rank(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => Funnel(g.Key, g)).ToArray(),
            rows.GroupBy(r => r.Meeting.Segment ?? NoSegment, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Funnel(g.Key, g)).ToArray(),
            rows.GroupBy(r => r.Meeting.SdrId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Funnel(g.Key, g)).ToArray(),
            checks,
            checks.Where(c => c.IsWarning).Select(c => c.Summary).ToArray(),
            notes);
    }

    private sealed record Measured(Meeting Meeting, decimal Pay, string Path);

    /// <summary>The path that qualified the meeting, or why none did, as its lines carry the verdict.</summary>
    private static string PathOf(IReadOnlyList<PayoutLine> lines)
    {
        if (lines.Count == 0)
        {
            return NotEvaluated;
        }

        var q = lines[0].Qualification;
        return q.By ?? (q.DisqualifiedBy is not null ? Disqualified : lines.Any(l => l.ReasonCodes.Contains("UNPRICED")) ? NotPriced : NotQualified);
    }

    private static int Rank(string path)
    {
        var rank = PathOrder.ToList().IndexOf(path);
        return rank < 0 ? PathOrder.ToList().IndexOf(NotQualified) - 1 : rank; // an unknown path is still a way to qualify
    }

    private static FunnelRow FunnelOf(string key, IReadOnlyList<Measured> group, string currency, StageOrder stages)
    {
        var paid = group.Where(r => r.Pay > 0).Select(r => r.Meeting).ToArray();
        var opportunities = paid.Where(m => m.OpportunityId is not null).GroupBy(m => m.OpportunityId!, StringComparer.Ordinal).Select(g => g.First()).ToArray();
        var won = opportunities.Where(o => stages.HasReached(o.FurthestStage, stages.Stages[^1])).ToArray();
        var inCurrency = (Meeting o) => o.Currency == currency;
        var cost = group.Sum(r => r.Pay);
        var pipeline = opportunities.Where(inCurrency).Where(o => stages.Contains(o.FurthestStage)).Sum(o => o.OpportunityAmount ?? 0m);
        var revenue = won.Where(inCurrency).Sum(o => o.OpportunityAmount ?? 0m);
        var sao = paid.Count(m => m.AeDecision == AeDecision.Accepted);
        return new FunnelRow(
            key, group.Count, paid.Length, sao, opportunities.Length, won.Length, cost, pipeline, revenue,
            Ratio(sao, paid.Length, 4), Ratio(opportunities.Length, paid.Length, 4), Ratio(won.Length, paid.Length, 4),
            cost > 0 ? Ratio(pipeline, cost, 2) : null, cost > 0 ? Ratio(revenue, cost, 2) : null);
    }

    private static decimal? Ratio(decimal part, decimal whole, int digits) =>
        whole == 0 ? null : Math.Round(part / whole, digits, MidpointRounding.AwayFromZero);
}
