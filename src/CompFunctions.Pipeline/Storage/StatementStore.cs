using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
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
public sealed record EncodedStatement(string Partition, TableEntity Row, string Digest)
{
    /// <summary>The row holds the summary and the segments that changed only: it is merged into the stored row.</summary>
    public bool Merge { get; init; }

    /// <summary>The stored statement has this digest already: the row holds its line count and digest only and is not to be written.</summary>
    public bool SameAsStored { get; init; }

    /// <summary>How many segments the row carries (all of them unless it is merged).</summary>
    public int SegmentsWritten { get; init; }
}

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

/// <summary>
/// What writing a statement needs of the stored one: its digest, the adjustments booked into it,
/// the ETag to match, (rows of layout 3) its segments' fingerprints, to write only the segments
/// that changed, and whether its period was locked (<see cref="StatementStore.MarkLockedAsync"/>).
/// </summary>
public sealed record StatementHead(StatementSummary Summary, StoredLine[] Adjustments, ETag ETag, StatementSegments? Segments = null, bool Locked = false);

/// <summary>A statement row as read, with the ETag a change to it must match.</summary>
public sealed record StoredStatement(StatementSummary Summary, StatementBody Body, ETag ETag, StatementSegments? Segments = null, bool Locked = false)
{
    public StatementHead Head => new(Summary, Body.Adjustments, ETag, Segments, Locked);

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
/// The statement's period was locked (its row carries the mark, <see cref="StatementStore.MarkLockedAsync"/>)
/// after the writer read which periods are locked: nothing is written, and the evaluation is retried
/// (the queue message comes back) with the lock in view.
/// </summary>
public sealed class StatementLockedException(string partition)
    : Exception($"The statement {partition} was locked after this evaluation read which periods are locked; nothing is written to it, and it is evaluated again.");

/// <summary>
/// The <c>statements</c> table: one row per (period, SDR) holding the whole statement — its totals
/// and digest as columns, its lines and verdicts as gzipped JSON (<see cref="GzipJson"/>) cut into
/// segments by meeting (<see cref="StatementSegments"/>), the adjustments booked into it from
/// locked months likewise under columns of their own. An evaluation reads the summary, the
/// adjustments and the segments' fingerprints (not the lines: the fingerprints say whether they
/// changed), and writes back only what differs — the segments that changed, merged into the row —
/// under the row's ETag (so two evaluations of one statement cannot interleave: the second fails
/// and is retried); a statement request reads the summary columns only (one small point read) and
/// the whole row only when its rendered copy is out of date; the payroll summary reads the
/// period's summary columns.
/// </summary>
/// <remarks>
/// Layouts: 1 — the body and the adjustments in one JSON (<c>Data*</c>), no Layout column; 2 — the
/// adjustments under <c>Adj*</c>; 3 — the body in segments (<c>S{n}_*</c>) listed by the
/// <c>Segments</c> column. All three are read; rows are written in layout 3 (rows of earlier
/// layouts are rewritten whole on their next evaluation or booking).
/// The digest of a layout-3 row is SHA-256 of its segments' fingerprints (XxHash128 of what they
/// hold, see <see cref="StatementJson"/>): a fingerprint decides whether a segment is written, as
/// the export's record hashes decide whether a row is read again (see <c>RecordSpill</c>), and a
/// forged collision would have to match a statement the pipeline itself wrote from the CRM's data.
/// </remarks>
public sealed class StatementStore(TableServiceClient tables)
{
    private const string MarkerPartition = "!store";
    private const string DocumentsMarker = "every-statement-one-row";
    private const string AdjustmentsPrefix = "Adj";
    private const int Layout = 3;
    private const int WholeBodyLayout = 2;
    private static readonly string[] SummaryColumns =
        ["PartitionKey", "RowKey", "Digest", "Lines", "Currency", "Earnings", "Clawbacks", "Adjustments", "Net", "Problem"];

    private const string LockedColumn = "Locked";
    private static readonly string[] HeadColumns = [.. SummaryColumns, "Layout", LockedColumn, StatementSegments.Column, .. GzipJson.Properties(AdjustmentsPrefix)];

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
            if (FromRow(e) is { Summary.Lines: > 0 } statement)
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
        return found.HasValue ? FromRow(found.Value!) : null;
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
        return e.GetInt32("Layout") is WholeBodyLayout or Layout
            ? HeadOf(e)
            : (await ReadAsync(partition, cancellationToken).ConfigureAwait(false))?.Head;
    }

    /// <summary>What <see cref="ReadHeadAsync"/> gives for a row of layout 2 or 3 (the row's head columns are enough).</summary>
    public static StatementHead HeadOf(TableEntity row) =>
        new(SummaryOf(row), AdjustmentsOf(row), row.ETag, row.GetInt32("Layout") == Layout ? SegmentsOf(row) : null, LockedOf(row));

    /// <summary>
    /// Marks every statement row of <paramref name="period"/>, which has just been locked, as
    /// locked — a merge, which also changes each row's ETag: an evaluation that read a row before
    /// the lock can no longer write it (its write fails, it is evaluated again and finds the period
    /// locked), and one that reads it afterwards sees the mark in the row's head. Safe to run again.
    /// Returns how many rows it marked.
    /// </summary>
    public async Task<int> MarkLockedAsync(CompPeriod period, CancellationToken cancellationToken)
    {
        var marks = new List<TableTransactionAction>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {period.ToString()}");
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            marks.Add(new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(e.PartitionKey, e.RowKey) { [LockedColumn] = true }, ETag.All));
        }

        await TableBatches.SubmitAsync(_table, marks, cancellationToken).ConfigureAwait(false);
        return marks.Count;
    }

    private static bool LockedOf(TableEntity row) => row.GetBoolean(LockedColumn) == true;

    /// <summary>
    /// Writes an encoded statement, if the row is still what <paramref name="expected"/> read (or
    /// still absent when it is null); otherwise throws <see cref="ConcurrentStatementChangeException"/>.
    /// A row read with the locked mark is never written (<see cref="StatementLockedException"/>):
    /// whoever decided to write it did so from a list of locked periods older than the lock.
    /// </summary>
    public async Task WriteAsync(EncodedStatement statement, StatementHead? expected, CancellationToken cancellationToken)
    {
        if (statement.SameAsStored || (statement.Merge && expected is null))
        {
            throw new InvalidOperationException($"The statement {statement.Partition} was encoded against the stored row; only a write under that row's ETag can apply it.");
        }

        if (expected?.Locked == true)
        {
            throw new StatementLockedException(statement.Partition);
        }

        try
        {
            if (expected is null)
            {
                await _table.AddEntityAsync(statement.Row, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _table.UpdateEntityAsync(statement.Row, expected.ETag, statement.Merge ? TableUpdateMode.Merge : TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            throw new ConcurrentStatementChangeException(statement.Partition);
        }
    }

    /// <summary>Writes the statement <paramref name="body"/> makes unless the stored one is the same; true when it wrote.</summary>
    public Task<bool> WriteIfChangedAsync(string partition, StatementBody body, StatementHead? stored, CancellationToken cancellationToken) =>
        WriteIfChangedAsync(Encode(partition, body, stored), stored, cancellationToken);

    /// <summary>Writes <paramref name="encoded"/> unless the stored statement has its digest; true when it wrote.</summary>
    public async Task<bool> WriteIfChangedAsync(EncodedStatement encoded, StatementHead? stored, CancellationToken cancellationToken)
    {
        if (encoded.SameAsStored || stored?.Summary.Digest == encoded.Digest)
        {
            return false;
        }

        await WriteAsync(encoded, stored, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The row for a statement held as stored documents (booking adjustments): as
    /// <see cref="Encode(string, IReadOnlyList{PayoutLine}, IReadOnlyList{EvaluatedVerdict}, StoredLine[], StatementHead?)"/>
    /// with the documents' lines and verdicts.
    /// </summary>
    public static EncodedStatement Encode(string partition, StatementBody body, StatementHead? stored = null) =>
        Encode(
            partition,
            [.. body.Lines.Select(l => l.ToLine()).OrderBy(l => l.LineId, StringComparer.Ordinal)],
            [.. body.Verdicts.Select(v => new EvaluatedVerdict(v.MeetingId, v.Verdict.ToVerdict())).OrderBy(v => v.MeetingId, StringComparer.Ordinal)],
            body.Adjustments,
            stored);

    /// <summary>
    /// The row for a period's statement as <paramref name="evaluation"/> made it: its lines in
    /// line-id order, its meetings' verdicts in meeting-id order, and the adjustments already
    /// booked into the <paramref name="stored"/> statement.
    /// </summary>
    public static EncodedStatement Encode(string partition, PeriodEvaluation evaluation, StatementHead? stored)
    {
        // The meetings in the order of their lines' ids, each meeting's few lines in order, then
        // the period's lines merged in: the lines come out in line-id order without sorting them
        // all (a sort of ~1,500 lines by composed ids was ~5 % of a re-evaluated month). Checked
        // in one pass; ids that break the shortcut (one id and ':' beginning another) are sorted.
        var meetings = evaluation.Meetings.ToArray();
        Array.Sort(meetings, static (a, b) => PayoutLine.CompareAsLineIdPrefixes(a.Meeting.MeetingId, b.Meeting.MeetingId));
        var count = 0;
        var judged = 0;
        foreach (var meeting in meetings)
        {
            count += meeting.Lines.Count;
            judged += meeting.Verdict is null ? 0 : 1;
        }

        var fromMeetings = new PayoutLine[count];
        var verdicts = new EvaluatedVerdict[judged];
        var (l, v) = (0, 0);
        foreach (var meeting in meetings)
        {
            var first = l;
            for (var i = 0; i < meeting.Lines.Count; i++)
            {
                // Insertion: a meeting has a line per plan component, a handful.
                var line = meeting.Lines[i];
                var at = l++;
                for (; at > first && PayoutLine.CompareLineIds(fromMeetings[at - 1], line) > 0; at--)
                {
                    fromMeetings[at] = fromMeetings[at - 1];
                }

                fromMeetings[at] = line;
            }

            if (meeting.Verdict is { } verdict)
            {
                verdicts[v++] = new EvaluatedVerdict(meeting.Meeting.MeetingId, verdict);
            }
        }

        var periodLines = evaluation.PeriodLines.ToArray();
        Array.Sort(periodLines, PayoutLine.CompareLineIds);
        var lines = Merged(fromMeetings, periodLines);
        if (!InOrder(lines, PayoutLine.CompareLineIds))
        {
            Array.Sort(lines, PayoutLine.CompareLineIds);
        }

        if (!InOrder(verdicts, ByMeetingId))
        {
            Array.Sort(verdicts, ByMeetingId);
        }

        return Encode(partition, lines, verdicts, stored?.Adjustments ?? [], stored);
    }

    private static readonly Comparison<EvaluatedVerdict> ByMeetingId = static (a, b) => string.CompareOrdinal(a.MeetingId, b.MeetingId);

    /// <summary>Two lists in line-id order as one in that order.</summary>
    private static PayoutLine[] Merged(PayoutLine[] a, PayoutLine[] b)
    {
        if (b.Length == 0)
        {
            return a;
        }

        var merged = new PayoutLine[a.Length + b.Length];
        var (i, j) = (0, 0);
        for (var k = 0; k < merged.Length; k++)
        {
            merged[k] = j == b.Length || (i < a.Length && PayoutLine.CompareLineIds(a[i], b[j]) <= 0) ? a[i++] : b[j++];
        }

        return merged;
    }

    private static bool InOrder<T>(T[] items, Comparison<T> comparison)
    {
        for (var i = 1; i < items.Length; i++)
        {
            if (comparison(items[i - 1], items[i]) > 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The row for a statement: totals summed exactly as a statement sums them (from the lines'
    /// amounts as stored, rounded), its own <paramref name="lines"/> (in line-id order) and
    /// <paramref name="verdicts"/> (in meeting-id order) cut into segments and each fingerprinted,
    /// the <paramref name="adjustments"/> booked into it. Against a <paramref name="stored"/> row of
    /// this layout, only the segments whose fingerprints differ are written (JSON, gzip) and the row
    /// is merged; when nothing differs, nothing is written at all (<see cref="EncodedStatement.SameAsStored"/>).
    /// </summary>
    public static EncodedStatement Encode(string partition, IReadOnlyList<PayoutLine> lines, IReadOnlyList<EvaluatedVerdict> verdicts, StoredLine[] adjustments, StatementHead? stored)
    {
        var (period, sdrId) = Tables.SplitSdrPeriodKey(partition);

        // Cut by meeting: a meeting's lines and verdict share a segment.
        var meetings = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            meetings.Add(line.MeetingId);
        }

        foreach (var verdict in verdicts)
        {
            meetings.Add(verdict.MeetingId);
        }

        var count = StatementSegments.CountFor(meetings.Count, stored?.Segments);
        var segmentLines = new List<PayoutLine>[count];
        var segmentVerdicts = new List<EvaluatedVerdict>[count];
        for (var k = 0; k < count; k++)
        {
            segmentLines[k] = [];
            segmentVerdicts[k] = [];
        }

        foreach (var line in lines)
        {
            segmentLines[StatementSegments.Of(line.MeetingId, count)].Add(line);
        }

        foreach (var verdict in verdicts)
        {
            segmentVerdicts[StatementSegments.Of(verdict.MeetingId, count)].Add(verdict);
        }

        var fingerprints = new UInt128[count];
        for (var k = 0; k < count; k++)
        {
            fingerprints[k] = StatementJson.Fingerprint(segmentLines[k], segmentVerdicts[k]);
        }

        var adjustmentJson = adjustments.Length == 0 ? null : JsonSerializer.SerializeToUtf8Bytes(adjustments, StoredJson.Default.StoredLineArray);
        var adjustmentPrint = adjustmentJson is null ? UInt128.Zero : XxHash128.HashToUInt128(adjustmentJson);
        var digest = Digest(adjustmentPrint, fingerprints);
        if (stored?.Summary.Digest == digest)
        {
            // Nothing to write, so no totals to sum: the row only says how many lines there are.
            return new EncodedStatement(partition, new TableEntity(period, sdrId) { ["Lines"] = lines.Count + adjustments.Length, ["Digest"] = digest }, digest) { SameAsStored = true };
        }

        var row = SummaryRow(period, sdrId, lines, adjustments);
        var what = $"The statement of {sdrId} in {period} ({row.GetInt32("Lines"):N0} lines)";
        row["Digest"] = digest;
        row["Layout"] = Layout;

        // Merged into the stored row when only segments changed (a merge cannot remove columns: anything else rewrites the row).
        var before = stored?.Segments;
        var merge = before is not null && before.Count == count && before.Adjustments == adjustmentPrint
            && stored!.Summary is { Lines: > 0, Problem: null } && row.GetInt32("Lines") > 0 && !row.ContainsKey("Problem");
        var sizes = new int[count];
        var written = new Dictionary<int, List<byte[]>>();
        List<byte[]> Compressed(int k) =>
            segmentLines[k].Count + segmentVerdicts[k].Count == 0 ? [] : GzipJson.Compress(json => StatementJson.WriteBody(json, segmentLines[k], segmentVerdicts[k]));

        for (var k = 0; merge && k < count; k++)
        {
            if (fingerprints[k] == before!.Fingerprints[k])
            {
                sizes[k] = before.Bytes[k];
                continue;
            }

            var data = written[k] = Compressed(k);
            sizes[k] = data.Sum(d => d.Length);

            // Fewer chunks than before would leave the old ones behind.
            merge = GzipJson.Chunks(sizes[k]) >= GzipJson.Chunks(before.Bytes[k]);
        }

        var adjustmentBytes = 0;
        if (merge)
        {
            adjustmentBytes = before!.AdjustmentBytes;
        }
        else
        {
            for (var k = 0; k < count; k++)
            {
                var data = written.TryGetValue(k, out var done) ? done : written[k] = Compressed(k);
                sizes[k] = data.Sum(d => d.Length);
            }

            if (adjustmentJson is not null)
            {
                var data = GzipJson.Compress(json => json.Write(adjustmentJson));
                GzipJson.Put(row, AdjustmentsPrefix, data);
                adjustmentBytes = data.Sum(d => d.Length);
            }
        }

        foreach (var (k, data) in written)
        {
            GzipJson.Put(row, StatementSegments.Prefix(k), data);
        }

        // At most 128 segments, each in one chunk unless it alone takes 64 KiB: the row's property count stays far below Azure's 252.
        var segments = new StatementSegments(adjustmentPrint, adjustmentBytes, fingerprints, sizes);
        GzipJson.EnsureRoom(segments.TotalBytes, what);
        row[StatementSegments.Column] = segments.ToBytes();
        return new EncodedStatement(partition, row, digest) { Merge = merge, SegmentsWritten = written.Count(w => w.Value.Count > 0) };
    }

    /// <summary>The statement's digest: SHA-256 of its layout, its adjustments' fingerprint and its segments' fingerprints.</summary>
    private static string Digest(UInt128 adjustments, UInt128[] segments)
    {
        var bytes = new byte[4 + (16 * (segments.Length + 1))];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, Layout);
        BinaryPrimitives.WriteUInt128LittleEndian(bytes.AsSpan(4), adjustments);
        for (var k = 0; k < segments.Length; k++)
        {
            BinaryPrimitives.WriteUInt128LittleEndian(bytes.AsSpan(4 + (16 * (k + 1))), segments[k]);
        }

        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>
    /// A statement row's summary columns: the number of lines and the totals summed exactly as a
    /// statement sums them (from the lines' amounts as stored, rounded), or the problem that keeps
    /// the lines from forming one statement.
    /// </summary>
    private static TableEntity SummaryRow(string period, string sdrId, IReadOnlyList<PayoutLine> own, StoredLine[] adjustments)
    {
        IReadOnlyList<PayoutLine> lines = adjustments.Length == 0 ? own : [.. own, .. adjustments.Select(l => l.ToLine())];
        var row = new TableEntity(period, sdrId) { ["Lines"] = lines.Count };
        if (lines.Count > 0)
        {
            try
            {
                // The statement's currency is its first line's, in line-id order (which line a mixed-currency problem names depends on it).
                var first = lines[0];
                for (var i = 1; i < lines.Count; i++)
                {
                    first = PayoutLine.CompareLineIds(lines[i], first) < 0 ? lines[i] : first;
                }

                var t = Statement.TotalsOf(first.Amount.Currency, lines, rounded: true);
                row["Currency"] = first.Amount.Currency.Code;
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

        return row;
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

    /// <summary>The statement a row holds (any layout this version reads).</summary>
    public static StoredStatement FromRow(TableEntity e)
    {
        switch (e.GetInt32("Layout"))
        {
            case Layout:
                var segments = SegmentsOf(e);
                var lines = new List<StoredLine>();
                var verdicts = new List<StoredVerdict>();
                for (var k = 0; k < segments.Count; k++)
                {
                    if (segments.Bytes[k] > 0 && GzipJson.Get(e, StoredJson.Default.StatementBody, StatementSegments.Prefix(k)) is { } part)
                    {
                        lines.AddRange(part.Lines);
                        verdicts.AddRange(part.Verdicts);
                    }
                }

                var body = new StatementBody(
                    [.. lines.OrderBy(l => l.Line.LineId, StringComparer.Ordinal)],
                    AdjustmentsOf(e),
                    [.. verdicts.OrderBy(v => v.MeetingId, StringComparer.Ordinal)]);
                return new StoredStatement(SummaryOf(e), body, e.ETag, segments, LockedOf(e));
            case WholeBodyLayout:
                return new StoredStatement(SummaryOf(e), WholeBodyOf(e) with { Adjustments = AdjustmentsOf(e) }, e.ETag, Locked: LockedOf(e));
            case null:
                // Rows written before adjustments had columns of their own keep them in the body.
                return new StoredStatement(SummaryOf(e), WholeBodyOf(e), e.ETag, Locked: LockedOf(e));
            case var layout:
                throw new InvalidOperationException($"The statement row {e.PartitionKey}|{e.RowKey} has layout {layout}, written by a newer version of CompFunctions; this one reads layouts up to {Layout}.");
        }
    }

    private static StatementBody WholeBodyOf(TableEntity e) => GzipJson.Get(e, StoredJson.Default.StatementBody) ?? new StatementBody([], [], []);

    private static StoredLine[] AdjustmentsOf(TableEntity e) => GzipJson.Get(e, StoredJson.Default.StoredLineArray, AdjustmentsPrefix) ?? [];

    private static StatementSegments SegmentsOf(TableEntity e) =>
        StatementSegments.Parse(e.GetBinary(StatementSegments.Column))
        ?? throw new InvalidOperationException($"The statement row {e.PartitionKey}|{e.RowKey} has layout {Layout} but no readable {StatementSegments.Column} column.");

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
