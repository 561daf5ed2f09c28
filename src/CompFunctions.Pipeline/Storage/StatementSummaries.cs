using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Statements;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// One statement's totals and the digest of its lines, as the evaluation left them.
/// <see cref="Problem"/> is set (and the totals are not) when the lines cannot form one statement.
/// <see cref="LinesDigest"/> and <see cref="VerdictsDigest"/> are the digests of the rows the
/// period's own evaluation wrote (its lines without adjustments booked from locked months, and its
/// verdicts); <see cref="Dirty"/> says rows may be changing or may have been changed by writers
/// that raced, so the next evaluation must compare row by row instead of trusting the digests.
/// </summary>
public sealed record StatementSummary(
    CompPeriod Period, string SdrId, string Digest, int Lines, string? Currency,
    decimal Earnings, decimal Clawbacks, decimal Adjustments, decimal Net, string? Problem,
    string? LinesDigest = null, string? VerdictsDigest = null, bool Dirty = false);

/// <summary>The summary row as read, with the ETag a change to it must match (default when there is none).</summary>
public readonly record struct SummaryEntry(StatementSummary? Summary, ETag ETag);

/// <summary>
/// Another writer changed the statement's rows while this one did; thrown after the summary is
/// marked dirty, so the retry compares every row.
/// </summary>
public sealed class ConcurrentStatementChangeException(string partition)
    : Exception($"The rows of statement {partition} were changed by another evaluation at the same time; it is evaluated again.");

/// <summary>
/// The <c>statements</c> table: one row per (period, SDR) with the statement's totals and a digest
/// of its lines. It is what the payroll summary reads (one small partition per period instead of
/// every line of the month), what a statement request checks, with one point read, to know whether
/// the copy it rendered before is still the statement, and what an evaluation checks to know
/// whether its result is already stored.
/// <para>
/// Whoever changes a statement's rows brackets the change: <see cref="BeginAsync"/> marks the row
/// dirty (only if it is still as read), the rows are written, <see cref="CompleteAsync"/> records
/// the new summary (only if nobody marked it since). A writer that loses either race leaves the
/// row dirty and throws <see cref="ConcurrentStatementChangeException"/>; a crash between the two
/// leaves it dirty. A clean row therefore always describes the rows as they are.
/// </para>
/// </summary>
public sealed class StatementSummaries(TableServiceClient tables)
{
    // Not a period, so no period's statements query finds it.
    private const string MarkerPartition = "!store";
    private const string CoverageMarker = "every-statement-summarised";
    private readonly TableClient _table = tables.GetTableClient(Tables.Statements);
    private volatile bool _coverEveryStatement;

    public async Task<SummaryEntry> ReadAsync(string partition, CancellationToken cancellationToken)
    {
        var (period, sdrId) = Tables.SplitSdrPeriodKey(partition);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(period, sdrId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? new SummaryEntry(FromEntity(found.Value!), found.Value!.ETag) : default;
    }

    /// <summary>
    /// Marks the statement dirty before its rows change (adding a dirty row when there was none) and
    /// returns the ETag <see cref="CompleteAsync"/> must match.
    /// </summary>
    public async Task<ETag> BeginAsync(string partition, SummaryEntry read, CancellationToken cancellationToken)
    {
        var (period, sdrId) = Tables.SplitSdrPeriodKey(partition);
        var dirty = new TableEntity(period, sdrId) { ["Dirty"] = true };
        try
        {
            var response = read.Summary is null
                ? await _table.AddEntityAsync(dirty, cancellationToken).ConfigureAwait(false)
                : await _table.UpdateEntityAsync(dirty, read.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return response.Headers.ETag ?? throw new InvalidOperationException($"The service returned no ETag for the summary of {partition}.");
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            throw new ConcurrentStatementChangeException(partition);
        }
    }

    /// <summary>
    /// Records the summary of a statement partition from every row it now holds, clean, if nobody
    /// marked it since <see cref="BeginAsync"/>. A statement without rows keeps its row (with no
    /// lines) for its digests; the routes treat it as no statement.
    /// </summary>
    public async Task CompleteAsync(string partition, ETag begun, IReadOnlyList<TableEntity> lineRows, string? linesDigest, string? verdictsDigest, CancellationToken cancellationToken)
    {
        var (period, sdrId) = Tables.SplitSdrPeriodKey(partition);
        var entity = ToEntity(Summarise(CompPeriod.Parse(period), sdrId, lineRows) with { LinesDigest = linesDigest, VerdictsDigest = verdictsDigest });
        try
        {
            await _table.UpdateEntityAsync(entity, begun, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Our writes may have landed after the other writer read the rows: whoever comes next compares every row.
            await _table.UpsertEntityAsync(new TableEntity(period, sdrId) { ["Dirty"] = true }, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            throw new ConcurrentStatementChangeException(partition);
        }
    }

    /// <summary>
    /// Whether every statement partition that has rows has a summary row (true once
    /// <see cref="SummariseExistingAsync"/> has run on the store): then a missing summary means a
    /// partition nobody has written, which an evaluation may fill without reading it first.
    /// </summary>
    public async Task<bool> CoverEveryStatementAsync(CancellationToken cancellationToken)
    {
        if (!_coverEveryStatement)
        {
            _coverEveryStatement = (await _table.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, CoverageMarker, cancellationToken: cancellationToken).ConfigureAwait(false)).HasValue;
        }

        return _coverEveryStatement;
    }

    /// <summary>
    /// Once per store: gives every statement partition written before summary rows existed a
    /// summary (dirty, so its first evaluation compares every row), then records that it is done.
    /// Reads the lines table one partition at a time.
    /// </summary>
    public async Task SummariseExistingAsync(TableClient lines, CancellationToken cancellationToken)
    {
        if (await CoverEveryStatementAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await foreach (var (partition, rows) in TablePartition.EachAsync(lines, _ => true, cancellationToken).ConfigureAwait(false))
        {
            if (partition.Contains('|', StringComparison.Ordinal)
                && CompPeriod.TryParse(Tables.SplitSdrPeriodKey(partition).Period, out var period)
                && (await ReadAsync(partition, cancellationToken).ConfigureAwait(false)).Summary is null)
            {
                var entity = ToEntity(Summarise(period, Tables.SplitSdrPeriodKey(partition).SdrId, rows) with { Dirty = true });
                await _table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            }
        }

        await _table.UpsertEntityAsync(new TableEntity(MarkerPartition, CoverageMarker) { ["At"] = DateTimeOffset.UtcNow }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        _coverEveryStatement = true;
    }

    public async Task<StatementSummary?> GetAsync(CompPeriod period, string sdrId, CancellationToken cancellationToken) =>
        (await ReadAsync(Tables.SdrPeriodKey(period, sdrId), cancellationToken).ConfigureAwait(false)).Summary;

    /// <summary>Every statement of the period with lines, by SDR id.</summary>
    public async Task<IReadOnlyList<StatementSummary>> PeriodAsync(CompPeriod period, CancellationToken cancellationToken)
    {
        var summaries = new List<StatementSummary>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {period.ToString()}");
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (FromEntity(e) is { Lines: > 0 } summary)
            {
                summaries.Add(summary);
            }
        }

        return summaries.OrderBy(s => s.SdrId, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Totals computed exactly as a statement computes them, from the same lines.</summary>
    public static StatementSummary Summarise(CompPeriod period, string sdrId, IReadOnlyList<TableEntity> lineRows)
    {
        var digest = Digest(lineRows);
        var lines = lineRows.Select(LineEntities.FromEntity).ToArray();
        if (lines.Length == 0)
        {
            return new StatementSummary(period, sdrId, digest, 0, null, 0m, 0m, 0m, 0m, null);
        }

        try
        {
            var statement = Statement.Create(sdrId, period, lines[0].Amount.Currency, Statement.Open, default, lines);
            var t = statement.Totals;
            return new StatementSummary(period, sdrId, digest, lines.Length, statement.Currency.Code,
                t.Earnings.Rounded().Amount, t.Clawbacks.Rounded().Amount, t.Adjustments.Rounded().Amount, t.Net.Rounded().Amount, null);
        }
        catch (InvalidOperationException e)
        {
            // Kept, not thrown: the evaluation that wrote these lines must not fail over it; the statement routes report it.
            return new StatementSummary(period, sdrId, digest, lines.Length, null, 0m, 0m, 0m, 0m, e.Message);
        }
    }

    /// <summary>
    /// A digest of a partition's rows: the same whether the rows were built by an evaluation or read
    /// back from the table (values compared as <see cref="PartitionSync.Canonical"/> prints them).
    /// </summary>
    public static string Digest(IEnumerable<TableEntity> rows)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(text.Length.ToString(CultureInfo.InvariantCulture) + ":" + text));
        }

        foreach (var row in rows.OrderBy(r => r.RowKey, StringComparer.Ordinal))
        {
            Add(row.RowKey);
            foreach (var key in row.Keys.Where(k => !PartitionSync.IsSystem(k)).Order(StringComparer.Ordinal))
            {
                if (PartitionSync.Canonical(row[key]) is { } value)
                {
                    Add(key);
                    Add(value);
                }
            }

            Add("");
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static TableEntity ToEntity(StatementSummary s) => new(s.Period.ToString(), s.SdrId)
    {
        ["Digest"] = s.Digest,
        ["Lines"] = s.Lines,
        ["Currency"] = s.Currency,
        ["Earnings"] = Invariant(s.Earnings),
        ["Clawbacks"] = Invariant(s.Clawbacks),
        ["Adjustments"] = Invariant(s.Adjustments),
        ["Net"] = Invariant(s.Net),
        ["Problem"] = s.Problem,
        ["LinesDigest"] = s.LinesDigest,
        ["VerdictsDigest"] = s.VerdictsDigest,
        ["Dirty"] = s.Dirty,
    };

    private static StatementSummary FromEntity(TableEntity e) => new(
        CompPeriod.Parse(e.PartitionKey),
        e.RowKey,
        e.GetString("Digest"),
        e.GetInt32("Lines") ?? 0,
        e.GetString("Currency"),
        Parse(e.GetString("Earnings")),
        Parse(e.GetString("Clawbacks")),
        Parse(e.GetString("Adjustments")),
        Parse(e.GetString("Net")),
        e.GetString("Problem"),
        e.GetString("LinesDigest"),
        e.GetString("VerdictsDigest"),
        e.GetBoolean("Dirty") ?? false);

    private static string Invariant(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);

    private static decimal Parse(string? amount) =>
        amount is null ? 0m : decimal.Parse(amount, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
