using System.Text.Json;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Statements;
using CompFunctions.Pipeline.Storage;
using Microsoft.AspNetCore.Http;

namespace CompFunctions.Pipeline.Http;

/// <summary>
/// <c>GET /api/statements/{period}/{sdrId}</c> (one rep's statement) and
/// <c>GET /api/statements/{period}</c> (the payroll summary), built from the payout lines in
/// Table Storage, as JSON, CSV or HTML, with an ETag. Both hosts route requests here unchanged.
/// </summary>
public sealed class StatementEndpoints(LedgerReader ledger, PeriodStore periods, TimeProvider clock)
{
    private static readonly string[] LineColumns =
    [
        "sdr_id", "period", "line_id", "meeting_id", "account", "booked_on", "kind", "component", "amount", "currency", "reason",
        "qualified", "qualified_by", "disqualified_by", "failed_criteria", "plan_id", "plan_version", "ruleset_id", "ruleset_version",
        "source_export", "source_line", "adjusts",
    ];

    private static readonly string[] SummaryColumns = ["period", "sdr_id", "currency", "status", "lines", "earnings", "clawbacks", "adjustments", "net"];

    public async Task<IResult> GetStatementAsync(HttpRequest request, string period, string sdrId, CancellationToken cancellationToken)
    {
        if (!CompPeriod.TryParse(period, out var compPeriod))
        {
            return Problems.MalformedPeriod(period);
        }

        if (!Identifier.IsValid(sdrId))
        {
            return Problems.BadRequest("Malformed SDR id", $"SDR id '{sdrId}' {Identifier.Describe(sdrId)}.");
        }

        if (!Negotiation.TryChoose(request, out var format, out var problem))
        {
            return problem!;
        }

        var lines = await ledger.LinesAsync(Tables.SdrPeriodKey(compPeriod, sdrId), Tables.SdrPeriodKey(compPeriod, sdrId) + "\0", cancellationToken).ConfigureAwait(false);
        if (lines.Count == 0)
        {
            return Problems.NotFound("No statement", $"There is no statement for {sdrId} in {compPeriod}: no meeting of theirs was booked in that period.");
        }

        var status = await StatusAsync(compPeriod, cancellationToken).ConfigureAwait(false);
        var statement = StatementDocument.From(Statement.Create(sdrId, compPeriod, lines[0].Line.Amount.Currency, status, clock.GetUtcNow(), lines.Select(l => l.Line)));
        var stable = JsonSerializer.Serialize(statement with { GeneratedAt = default }, StatementDocument.Json);
        return Negotiation.Respond(request, format, stable, () => format switch
        {
            ResponseFormat.Csv => CsvOutput.Write(LineColumns, statement.Lines.Select(l => Row(statement, l))),
            ResponseFormat.Html => StatementHtml.Render(statement),
            _ => JsonSerializer.Serialize(statement, StatementDocument.Json),
        }, cacheable: statement.Status != Statement.Open);
    }

    public async Task<IResult> GetSummaryAsync(HttpRequest request, string period, CancellationToken cancellationToken)
    {
        if (!CompPeriod.TryParse(period, out var compPeriod))
        {
            return Problems.MalformedPeriod(period);
        }

        if (!Negotiation.TryChoose(request, out var format, out var problem))
        {
            return problem!;
        }

        var status = await StatusAsync(compPeriod, cancellationToken).ConfigureAwait(false);
        var rows = (await ledger.StatementsAsync(compPeriod, status, cancellationToken).ConfigureAwait(false))
            .Select(s => new SummaryRow(s.SdrId, s.Currency.Code, s.Status, s.Lines.Count, s.Totals.Earnings.Rounded().Amount, s.Totals.Clawbacks.Rounded().Amount, s.Totals.Adjustments.Rounded().Amount, s.Totals.Net.Rounded().Amount))
            .ToArray();
        var totals = rows
            .GroupBy(r => r.Currency, StringComparer.Ordinal)
            .Select(g => new CurrencyTotal(g.Key, g.Count(), Sum(g, r => r.Earnings), Sum(g, r => r.Clawbacks), Sum(g, r => r.Adjustments), Sum(g, r => r.Net)))
            .OrderBy(t => t.Currency, StringComparer.Ordinal)
            .ToArray();
        var summary = new PayrollSummaryDocument(compPeriod.ToString(), clock.GetUtcNow(), rows, totals);
        var stable = JsonSerializer.Serialize(summary with { GeneratedAt = default }, StatementDocument.Json);
        return Negotiation.Respond(request, format, stable, () => format switch
        {
            ResponseFormat.Csv => CsvOutput.Write(SummaryColumns, rows.Select(r => new object?[] { summary.Period, r.SdrId, r.Currency, r.Status, r.Lines, r.Earnings, r.Clawbacks, r.Adjustments, r.Net })),
            ResponseFormat.Html => SummaryHtml.Render(summary),
            _ => JsonSerializer.Serialize(summary, StatementDocument.Json),
        }, cacheable: status != Statement.Open);
    }

    private async Task<string> StatusAsync(CompPeriod period, CancellationToken cancellationToken) =>
        await periods.IsLockedAsync(period, cancellationToken).ConfigureAwait(false) ? Statement.Locked : Statement.Open;

    private static decimal Sum(IEnumerable<SummaryRow> rows, Func<SummaryRow, decimal> amount) => rows.Sum(amount);

    private static object?[] Row(StatementDocument s, LineDocument l) =>
    [
        s.SdrId, s.Period, l.LineId, l.MeetingId, l.Account, l.BookedOn, l.Kind, l.Component, l.Amount, s.Currency, l.Reason,
        l.Qualification.Qualified, l.Qualification.By, l.Qualification.DisqualifiedBy, string.Join(" ", l.Qualification.FailedCriteria),
        l.Plan.Id, l.Plan.Version, l.Ruleset.Id, l.Ruleset.Version, l.Source.Export, l.Source.Line, l.Adjusts,
    ];
}

public sealed record SummaryRow(string SdrId, string Currency, string Status, int Lines, decimal Earnings, decimal Clawbacks, decimal Adjustments, decimal Net);

public sealed record CurrencyTotal(string Currency, int Sdrs, decimal Earnings, decimal Clawbacks, decimal Adjustments, decimal Net);

/// <summary>The payroll summary of one period: one row per SDR, and totals per currency.</summary>
public sealed record PayrollSummaryDocument(string Period, DateTimeOffset GeneratedAt, IReadOnlyList<SummaryRow> Sdrs, IReadOnlyList<CurrencyTotal> Totals);
