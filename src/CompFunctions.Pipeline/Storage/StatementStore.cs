using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Money;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Statements;
using CompFunctions.Pipeline.Http;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// One statement's totals and the digest of what its row holds (its lines, the adjustments booked
/// into it, its verdicts: equal digests, same statement). <see cref="Problem"/> is set (and the
/// totals are not) when the lines cannot form one statement.
/// </summary>
public sealed record StatementSummary(
    CompPeriod Period, string SdrId, string Digest, int Lines, string? Currency,
    decimal Earnings, decimal Clawbacks, decimal Adjustments, decimal Net, string? Problem);

/// <summary>A statement row ready to write, and its digest (to compare with the stored one first).</summary>
public sealed record EncodedStatement(string Partition, TableEntity Row, string Digest);

/// <summary>A payout line as a statement row keeps it: the API's line and its currency.</summary>
public sealed record StoredLine(string Currency, LineDocument Line)
{
    public static StoredLine From(PayoutLine line) => new(line.Amount.Currency.Code, LineDocument.From(line));

    public PayoutLine ToLine() => new(
        Line.LineId,
        Line.MeetingId,
        Enum.Parse<LineKind>(Line.Kind, ignoreCase: true),
        Line.Component,
        new Money(Line.Amount, Core.Money.Currency.Parse(Currency)).Rounded(),
        Line.Reason,
        Line.ReasonCodes,
        new QualificationSummary(Line.Qualification.Qualified, Line.Qualification.By, Line.Qualification.FailedCriteria, Line.Qualification.DisqualifiedBy, Line.Qualification.Explanation),
        new DocumentRef(Line.Plan.Id, Line.Plan.Version),
        new DocumentRef(Line.Ruleset.Id, Line.Ruleset.Version),
        new SourceRef(Line.Source.Export, Line.Source.Line),
        Line.Adjusts)
    {
        Account = Line.Account,
        BookedOn = Line.BookedOn,
    };
}

/// <summary>A meeting's verdict as a statement row keeps it.</summary>
public sealed record StoredVerdict(string MeetingId, VerdictDocument Verdict);

/// <summary>What a statement row holds besides its summary: the period's own lines, adjustments booked into it from locked months, the period's verdicts.</summary>
public sealed record StatementBody(StoredLine[] Lines, StoredLine[] Adjustments, StoredVerdict[] Verdicts);

/// <summary>What writing a statement needs of the stored one: its digest, the adjustments booked into it, the ETag to match.</summary>
public sealed record StatementHead(StatementSummary Summary, StoredLine[] Adjustments, ETag ETag);

/// <summary>A statement row as read, with the ETag a change to it must match.</summary>
public sealed record StoredStatement(StatementSummary Summary, StatementBody Body, ETag ETag)
{
    public StatementHead Head => new(Summary, Body.Adjustments, ETag);

    /// <summary>Every line of the statement: the period's own, then the adjustments, in line-id order.</summary>
    public IReadOnlyList<PayoutLine> AllLines() =>
        Body.Lines.Concat(Body.Adjustments).OrderBy(l => l.Line.LineId, StringComparer.Ordinal).Select(l => l.ToLine()).ToArray();
}

/// <summary>
/// Another writer changed the statement between this writer's read and its write; the evaluation
/// is retried (the queue message comes back) and starts from the new row.
/// </summary>
public sealed class ConcurrentStatementChangeException(string partition)
    : Exception($"The statement {partition} was changed by another evaluation at the same time; it is evaluated again.");

/// <summary>
/// The <c>statements</c> table: one row per (period, SDR) holding the whole statement — its totals
/// and digest as columns, its lines and verdicts as gzipped JSON (<see cref="GzipJson"/>), the
/// adjustments booked into it from locked months likewise under columns of their own. An
/// evaluation reads the summary and the adjustments (not the lines: the digest says whether they
/// changed), and writes the row back only if its result differs, under the row's ETag
/// (so two evaluations of one statement cannot interleave: the second fails and is retried); a
/// statement request reads the summary columns only (one small point read) and the whole row only
/// when its rendered copy is out of date; the payroll summary reads the period's summary columns.
/// </summary>
public sealed class StatementStore(TableServiceClient tables)
{
    private const string MarkerPartition = "!store";
    private const string DocumentsMarker = "every-statement-one-row";
    private const string AdjustmentsPrefix = "Adj";
    private const int Layout = 2;
    private static readonly string[] SummaryColumns =
        ["PartitionKey", "RowKey", "Digest", "Lines", "Currency", "Earnings", "Clawbacks", "Adjustments", "Net", "Problem"];

    private static readonly string[] HeadColumns = [.. SummaryColumns, "Layout", .. GzipJson.Properties(AdjustmentsPrefix)];

    private readonly TableClient _table = tables.GetTableClient(Tables.Statements);

    /// <summary>The statement's summary (not its lines), or null when nobody has written it.</summary>
    public async Task<StatementSummary?> GetAsync(CompPeriod period, string sdrId, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(period.ToString(), sdrId, SummaryColumns, cancellationToken).ConfigureAwait(false);
        return found.HasValue ? SummaryOf(found.Value!) : null;
    }

    /// <summary>Every statement of the period with lines, by SDR id (summaries only).</summary>
    public async Task<IReadOnlyList<StatementSummary>> PeriodAsync(CompPeriod period, CancellationToken cancellationToken)
    {
        var summaries = new List<StatementSummary>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {period.ToString()}");
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, select: SummaryColumns, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (SummaryOf(e) is { Lines: > 0 } summary)
            {
                summaries.Add(summary);
            }
        }

        return summaries.OrderBy(s => s.SdrId, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Every statement of the period with lines, whole.</summary>
    public async Task<IReadOnlyList<StoredStatement>> ReadPeriodAsync(CompPeriod period, CancellationToken cancellationToken)
    {
        var statements = new List<StoredStatement>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {period.ToString()}");
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (FromEntity(e) is { Summary.Lines: > 0 } statement)
            {
                statements.Add(statement);
            }
        }

        return statements.OrderBy(s => s.Summary.SdrId, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The whole statement of a <c>{period}|{sdrId}</c> partition, or null when nobody has written it.</summary>
    public async Task<StoredStatement?> ReadAsync(string partition, CancellationToken cancellationToken)
    {
        var (period, sdrId) = Tables.SplitSdrPeriodKey(partition);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(period, sdrId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? FromEntity(found.Value!) : null;
    }

    /// <summary>
    /// What writing the statement needs, without its lines and verdicts (their digest says whether
    /// they changed): the summary columns and the adjustments booked into it. Rows written before
    /// adjustments had columns of their own are read whole.
    /// </summary>
    public async Task<StatementHead?> ReadHeadAsync(string partition, CancellationToken cancellationToken)
    {
        var (period, sdrId) = Tables.SplitSdrPeriodKey(partition);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(period, sdrId, HeadColumns, cancellationToken).ConfigureAwait(false);
        if (!found.HasValue)
        {
            return null;
        }

        var e = found.Value!;
        return e.GetInt32("Layout") == Layout
            ? new StatementHead(SummaryOf(e), GzipJson.Get(e, StoredJson.Default.StoredLineArray, AdjustmentsPrefix) ?? [], e.ETag)
            : (await ReadAsync(partition, cancellationToken).ConfigureAwait(false))?.Head;
    }

    /// <summary>
    /// Writes an encoded statement, if the row is still what <paramref name="expected"/> read (or
    /// still absent when it is null); otherwise throws <see cref="ConcurrentStatementChangeException"/>.
    /// </summary>
    public async Task WriteAsync(EncodedStatement statement, StatementHead? expected, CancellationToken cancellationToken)
    {
        try
        {
            if (expected is null)
            {
                await _table.AddEntityAsync(statement.Row, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _table.UpdateEntityAsync(statement.Row, expected.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            throw new ConcurrentStatementChangeException(statement.Partition);
        }
    }

    /// <summary>Writes the statement <paramref name="body"/> makes unless the stored one is the same; true when it wrote.</summary>
    public Task<bool> WriteIfChangedAsync(string partition, StatementBody body, StatementHead? stored, CancellationToken cancellationToken) =>
        WriteIfChangedAsync(Encode(partition, body), stored, cancellationToken);

    /// <summary>Writes <paramref name="encoded"/> unless the stored statement has its digest; true when it wrote.</summary>
    public async Task<bool> WriteIfChangedAsync(EncodedStatement encoded, StatementHead? stored, CancellationToken cancellationToken)
    {
        if (stored?.Summary.Digest == encoded.Digest)
        {
            return false;
        }

        await WriteAsync(encoded, stored, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The row for a statement held as stored documents (booking adjustments, moving rows of earlier versions).</summary>
    public static EncodedStatement Encode(string partition, StatementBody body) =>
        Encode(partition, body.Lines.Select(l => l.ToLine()), body.Adjustments, json => JsonSerializer.Serialize(json, body with { Adjustments = [] }, StoredJson.Default.StatementBody));

    /// <summary>
    /// The row for a period's statement as <paramref name="evaluation"/> made it: its lines in
    /// line-id order, its meetings' verdicts in meeting-id order, and the <paramref name="adjustments"/>
    /// already booked into it.
    /// </summary>
    public static EncodedStatement Encode(string partition, PeriodEvaluation evaluation, StoredLine[] adjustments)
    {
        var lines = evaluation.Lines.OrderBy(l => l.LineId, StringComparer.Ordinal).ToArray();
        var verdicts = evaluation.Meetings
            .Where(e => e.Verdict is not null)
            .Select(e => new EvaluatedVerdict(e.Meeting.MeetingId, e.Verdict!))
            .OrderBy(v => v.MeetingId, StringComparer.Ordinal)
            .ToArray();
        return Encode(partition, lines, verdicts, adjustments);
    }

    /// <summary>
    /// The row for a statement as an evaluation made it: its own <paramref name="lines"/> (in
    /// line-id order) and <paramref name="verdicts"/> (in meeting-id order), written straight into
    /// the row's JSON (<see cref="StatementJson"/>: the same bytes as the documents would give),
    /// and the <paramref name="adjustments"/> already booked into it.
    /// </summary>
    public static EncodedStatement Encode(string partition, IReadOnlyList<PayoutLine> lines, IReadOnlyList<EvaluatedVerdict> verdicts, StoredLine[] adjustments) =>
        Encode(partition, lines.Select(l => l with { Amount = l.Amount.Rounded() }), adjustments, json => StatementJson.WriteBody(json, lines, verdicts));

    /// <summary>
    /// The row for a statement: totals summed exactly as a statement sums them (from the lines'
    /// amounts as stored, rounded), the body gzipped, and the digest (SHA-256) of what is stored,
    /// compressed — all from one serialization.
    /// </summary>
    private static EncodedStatement Encode(string partition, IEnumerable<PayoutLine> own, StoredLine[] adjustments, Action<Stream> writeBody)
    {
        var (period, sdrId) = Tables.SplitSdrPeriodKey(partition);
        var lines = own.Concat(adjustments.Select(l => l.ToLine())).ToArray();
        var row = new TableEntity(period, sdrId) { ["Lines"] = lines.Length };
        if (lines.Length > 0)
        {
            try
            {
                // The statement's currency is its first line's, in line-id order (which line a mixed-currency problem names depends on it).
                var first = lines.MinBy(l => l.LineId, StringComparer.Ordinal)!;
                var statement = Statement.Create(sdrId, CompPeriod.Parse(period), first.Amount.Currency, Statement.Open, default, lines);
                var t = statement.Totals;
                row["Currency"] = statement.Currency.Code;
                row["Earnings"] = Invariant(t.Earnings.Rounded().Amount);
                row["Clawbacks"] = Invariant(t.Clawbacks.Rounded().Amount);
                row["Adjustments"] = Invariant(t.Adjustments.Rounded().Amount);
                row["Net"] = Invariant(t.Net.Rounded().Amount);
            }
            catch (InvalidOperationException e)
            {
                // Kept, not thrown: the evaluation that made these lines must not fail over it; the statement routes report it.
                row["Problem"] = e.Message;
            }
        }

        // Lines and verdicts, then the adjustments under columns of their own (what an evaluation reads back); one digest of both.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var what = $"The statement of {sdrId} in {period} ({lines.Length:N0} lines)";
        GzipJson.Set(row, writeBody, what, hash: hash);
        if (adjustments.Length > 0)
        {
            GzipJson.Set(row, adjustments, StoredJson.Default.StoredLineArray, what, AdjustmentsPrefix, hash);
        }

        var digest = Convert.ToHexStringLower(hash.GetHashAndReset());
        row["Digest"] = digest;
        row["Layout"] = Layout;
        return new EncodedStatement(partition, row, digest);
    }

    /// <summary>
    /// Once per store: folds what an earlier version kept as a row per line (<c>payoutlines</c>) and
    /// per verdict (<c>verdicts</c>) into statement rows, then deletes those rows and records that it
    /// is done. Safe to run again after a crash (a partition is deleted only after its statement row
    /// is written).
    /// </summary>
    public async Task MoveRowsFromBeforeDocumentsAsync(CancellationToken cancellationToken)
    {
        if ((await _table.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, DocumentsMarker, cancellationToken: cancellationToken).ConfigureAwait(false)).HasValue)
        {
            return;
        }

        var lines = tables.GetTableClient(LegacyTables.PayoutLines);
        var verdicts = tables.GetTableClient(LegacyTables.Verdicts);
        var partitions = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { lines, verdicts })
        {
            await foreach (var row in LegacyTables.RowsAsync(table, cancellationToken).ConfigureAwait(false))
            {
                partitions.Add(row.PartitionKey);
            }
        }

        foreach (var partition in partitions.Where(p => p.Contains('|', StringComparison.Ordinal) && CompPeriod.TryParse(Tables.SplitSdrPeriodKey(p).Period, out _)))
        {
            var lineRows = await TablePartition.ReadAsync(lines, partition, cancellationToken).ConfigureAwait(false);
            var verdictRows = await TablePartition.ReadAsync(verdicts, partition, cancellationToken).ConfigureAwait(false);
            var stored = lineRows.Select(r => StoredLine.From(LineEntities.FromEntity(r))).ToArray();
            var body = new StatementBody(
                [.. stored.Where(l => !IsAdjustment(l.Line.LineId)).OrderBy(l => l.Line.LineId, StringComparer.Ordinal)],
                [.. stored.Where(l => IsAdjustment(l.Line.LineId)).OrderBy(l => l.Line.LineId, StringComparer.Ordinal)],
                [.. verdictRows.Select(r => new StoredVerdict(r.RowKey, System.Text.Json.JsonSerializer.Deserialize<VerdictDocument>(r.GetString("Json"), StatementDocument.Json)!)).OrderBy(v => v.MeetingId, StringComparer.Ordinal)]);
            await _table.UpsertEntityAsync(Encode(partition, body).Row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            foreach (var (table, rows) in new[] { (lines, lineRows), (verdicts, verdictRows) })
            {
                await TableBatches.SubmitAsync(table, rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken).ConfigureAwait(false);
            }
        }

        await _table.UpsertEntityAsync(new TableEntity(MarkerPartition, DocumentsMarker) { ["At"] = DateTimeOffset.UtcNow }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adjustments booked from a locked month have line ids <c>{lineId}@{lockedPeriod}</c>.</summary>
    public static bool IsAdjustment(string lineId) => lineId.Contains('@', StringComparison.Ordinal);

    private static StoredStatement FromEntity(TableEntity e)
    {
        var body = GzipJson.Get(e, StoredJson.Default.StatementBody) ?? new StatementBody([], [], []);
        // Rows written before adjustments had columns of their own keep them in the body.
        return e.GetInt32("Layout") == Layout
            ? new StoredStatement(SummaryOf(e), body with { Adjustments = GzipJson.Get(e, StoredJson.Default.StoredLineArray, AdjustmentsPrefix) ?? [] }, e.ETag)
            : new StoredStatement(SummaryOf(e), body, e.ETag);
    }

    private static StatementSummary SummaryOf(TableEntity e) => new(
        CompPeriod.Parse(e.PartitionKey),
        e.RowKey,
        e.GetString("Digest"),
        e.GetInt32("Lines") ?? 0,
        e.GetString("Currency"),
        Parse(e.GetString("Earnings")),
        Parse(e.GetString("Clawbacks")),
        Parse(e.GetString("Adjustments")),
        Parse(e.GetString("Net")),
        e.GetString("Problem"));

    private static string Invariant(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);

    private static decimal Parse(string? amount) =>
        amount is null ? 0m : decimal.Parse(amount, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
