using System.Text.Json;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Statements;
using CompFunctions.Pipeline.Storage;
using Microsoft.AspNetCore.Http;

namespace CompFunctions.Pipeline.Http;

/// <summary>
/// <c>GET /api/statements/{period}/{sdrId}</c> (one rep's statement) and
/// <c>GET /api/statements/{period}</c> (the payroll summary), as JSON, CSV or HTML, with an ETag.
/// A statement is built from its row's lines and kept rendered in <see cref="StatementCache"/>
/// while the digest in the row's summary columns says the lines are the same; the payroll summary
/// reads the period's summary columns. Both hosts route requests here unchanged.
/// </summary>
public sealed class StatementEndpoints(StatementStore statements, StatementCache cache, PeriodStore periods, TimeProvider clock)
{
    private readonly FreshReads<(CompPeriod Period, string SdrId), (StatementSummary? Summary, string Status)> _current = new();

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

        // What the statement is now: its summary columns and the period's lock, read once for every request waiting on them.
        var (summary, status) = await _current.ReadAsync((compPeriod, sdrId), CurrentAsync).WaitAsync(cancellationToken).ConfigureAwait(false);
        var partition = Tables.SdrPeriodKey(compPeriod, sdrId);
        RenderedStatement? rendered = null;
        if (summary is { Lines: > 0 } current)
        {
            // Shared by concurrent requests, so not cancelled by any one of them.
            rendered = await cache.GetOrBuildAsync(partition + "\n" + status, current.Digest, current.Lines, () => BuildAsync(partition, status, CancellationToken.None)).ConfigureAwait(false);
        }

        if (rendered is null)
        {
            return Problems.NotFound("No statement", $"There is no statement for {sdrId} in {compPeriod}: no meeting of theirs was booked in that period.");
        }

        return Negotiation.Respond(request, format, rendered.ETag(format), () => rendered.Body(format), cacheable: status != Statement.Open, gzipped: () => rendered.Gzipped(format));
    }

    private async Task<(StatementSummary? Summary, string Status)> CurrentAsync((CompPeriod Period, string SdrId) key)
    {
        var summary = statements.GetAsync(key.Period, key.SdrId, CancellationToken.None);
        var status = await StatusAsync(key.Period, CancellationToken.None).ConfigureAwait(false);
        return (await summary.ConfigureAwait(false), status);
    }

    /// <summary>Reads the statement and renders it; null when it has no lines. Returns the digest of the lines it read.</summary>
    private async Task<(string Digest, RenderedStatement? Statement)> BuildAsync(string partition, string status, CancellationToken cancellationToken)
    {
        var stored = await statements.ReadAsync(partition, cancellationToken).ConfigureAwait(false);
        if (stored is not { Summary.Lines: > 0 })
        {
            return (stored?.Summary.Digest ?? "", null);
        }

        var lines = stored.AllLines();
        var s = stored.Summary;
        var statement = StatementDocument.From(Statement.Create(s.SdrId, s.Period, lines[0].Amount.Currency, status, clock.GetUtcNow(), lines));
        return (s.Digest, new RenderedStatement(statement, Render));
    }

    private static string Render(StatementDocument statement, ResponseFormat format) => format switch
    {
        ResponseFormat.Csv => CsvOutput.Write(LineColumns, statement.Lines.Select(l => Row(statement, l))),
        ResponseFormat.Html => StatementHtml.Render(statement),
        _ => JsonSerializer.Serialize(statement, StatementDocument.Json),
    };

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
        var summaries = await statements.PeriodAsync(compPeriod, cancellationToken).ConfigureAwait(false);
        if (summaries.FirstOrDefault(s => s.Problem is not null) is { } broken)
        {
            return Problems.Conflict("Statement cannot be totalled", $"The statement of {broken.SdrId} in {compPeriod} cannot be totalled: {broken.Problem}");
        }

        var rows = summaries
            .Select(s => new SummaryRow(s.SdrId, s.Currency!, status, s.Lines, s.Earnings, s.Clawbacks, s.Adjustments, s.Net))
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
