using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text;
using Sylvan.Data.Csv;

namespace CompFunctions.Core.Export;

/// <summary>
/// Streams a CRM export (RFC 4180, UTF-8 with or without BOM, any line ends) row by row and
/// checks each row against the contract. Holds one row in memory at a time, plus (unless the
/// caller groups rows by meeting id itself) the set of meeting ids seen so far, to quarantine a
/// duplicate <c>meeting_id</c>.
/// </summary>
public sealed class CrmExportReader : IDisposable
{
    private const int MaxRecordChars = 1 << 20;

    private readonly CsvDataReader? _csv;
    private readonly string _exportName;
    private readonly int[] _ordinals;
    private readonly HashSet<string>? _seenMeetingIds;

    private CrmExportReader(CsvDataReader? csv, string exportName, ExportHeader header, int[] ordinals, bool findDuplicates)
    {
        _seenMeetingIds = findDuplicates ? new HashSet<string>(StringComparer.Ordinal) : null;
        _csv = csv;
        _exportName = exportName;
        Header = header;
        _ordinals = ordinals;
    }

    public ExportHeader Header { get; }

    /// <summary>The reason a second row of the same meeting is quarantined.</summary>
    public static string DuplicateReason(string meetingId) => $"meeting_id '{meetingId}' appears earlier in this file; only its first row is applied.";

    /// <summary>Opens the export and checks its header. Never throws for bad content: a bad header is reported in <see cref="Header"/>.</summary>
    /// <param name="findDuplicates">
    /// Quarantine a row whose meeting id an earlier row had. The set of ids grows with the file; a
    /// caller that groups rows by meeting id anyway (ingestion) passes false and applies
    /// <see cref="DuplicateReason"/> itself, so its memory stays flat.
    /// </param>
    public static async Task<CrmExportReader> OpenAsync(Stream content, string exportName, CancellationToken cancellationToken, bool findDuplicates = true)
    {
        var text = new StreamReader(content, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: true);
        if (text.Peek() < 0)
        {
            text.Dispose();
            var empty = new ExportHeader([], ExportColumns.Required, [], "The file is empty: it has no header line.");
            return new CrmExportReader(null, exportName, empty, [], findDuplicates);
        }

        var options = new CsvDataReaderOptions
        {
            HasHeaders = true,
            Delimiter = ',',
            HeaderComparer = StringComparer.OrdinalIgnoreCase,
            BufferSize = 64 * 1024,
            MaxBufferSize = MaxRecordChars,
        };
        var csv = await CsvDataReader.CreateAsync(text, options, cancellationToken).ConfigureAwait(false);

        var columns = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetName(i).Trim()).ToArray();
        var ordinals = new int[KnownColumns.Count];
        for (var k = 0; k < ordinals.Length; k++)
        {
            ordinals[k] = Array.FindIndex(columns, c => string.Equals(c, KnownColumns[k], StringComparison.OrdinalIgnoreCase));
        }

        var missing = ExportColumns.Required.Where((_, k) => ordinals[k] < 0).ToArray();
        var unknown = columns.Where(c => !ExportColumns.All.Contains(c.ToLowerInvariant())).ToArray();
        var duplicates = columns.GroupBy(c => c, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();

        string? rejection = null;
        if (missing.Length > 0)
        {
            rejection = $"Missing required column(s): {string.Join(", ", missing)}. Required: {string.Join(", ", ExportColumns.Required)}.";
        }
        else if (duplicates.Length > 0)
        {
            rejection = $"Column(s) appear more than once in the header: {string.Join(", ", duplicates)}.";
        }

        return new CrmExportReader(csv, exportName, new ExportHeader(columns, missing, unknown, rejection), ordinals, findDuplicates);
    }

    /// <summary>The columns the contract knows, required first: a cell's index in <see cref="CellSpan"/> and <see cref="ParseCells"/>.</summary>
    public static IReadOnlyList<string> KnownColumns { get; } = [.. ExportColumns.Required, .. ExportColumns.Optional];

    private static readonly FrozenDictionary<string, int> KnownIndex =
        KnownColumns.Select((name, k) => (name, k)).ToFrozenDictionary(p => p.name, p => p.k, StringComparer.Ordinal);

    /// <summary>The index of <c>meeting_id</c> among <see cref="KnownColumns"/>.</summary>
    public static int MeetingIdCell { get; } = KnownIndex[ExportColumns.MeetingId];

    /// <summary>The line of the current record (the header is line 1, each record one line).</summary>
    public long Line { get; private set; } = 1;

    /// <summary>
    /// Set when the file cannot be read past this point (an unterminated quote, a record over
    /// 1 MiB): the reason, naming where. <see cref="NextRecordAsync"/> returns false after it.
    /// </summary>
    public string? Malformed { get; private set; }

    /// <summary>
    /// Moves to the next record, without parsing it: a caller that only needs to compare raw
    /// cells (<see cref="CellSpan"/>) allocates nothing per record. Blank lines are skipped.
    /// Returns false at the end of the file, or after a malformed record (see <see cref="Malformed"/>).
    /// </summary>
    public async ValueTask<bool> NextRecordAsync(CancellationToken cancellationToken)
    {
        if (_csv is null || Header.IsRejected || Malformed is not null)
        {
            return false;
        }

        while (true)
        {
            try
            {
                if (!await _csv.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }
            }
            catch (CsvRecordTooLargeException)
            {
                Malformed = $"A record after line {Line} is longer than {MaxRecordChars} characters (an unterminated quote?). Nothing after this point could be read.";
                Line++;
                return false;
            }
            catch (CsvFormatException ex)
            {
                Malformed = $"Malformed CSV at record {ex.RowNumber}: {ex.Message} Nothing after this point could be read.";
                Line++;
                return false;
            }

            if (_csv.RowFieldCount == 1 && _csv.FieldCount > 1 && _csv.GetFieldSpan(0).IsWhiteSpace())
            {
                continue; // a blank line (e.g. a trailing one) is not a record
            }

            Line++;
            return true;
        }
    }

    /// <summary>
    /// The current record's raw cell for known column <paramref name="known"/> (untrimmed);
    /// <paramref name="present"/> is false when the file has no such column.
    /// </summary>
    public ReadOnlySpan<char> CellSpan(int known, out bool present)
    {
        var ordinal = _ordinals[known];
        present = ordinal >= 0 && ordinal < _csv!.RowFieldCount;
        return present ? _csv!.GetFieldSpan(ordinal) : default;
    }

    /// <summary>The current record's problem with its shape (a field count unlike the header's), or null.</summary>
    public QuarantinedRow? ShapeProblem() =>
        _csv!.RowFieldCount == _csv.FieldCount
            ? null
            : new QuarantinedRow(Line, CellText(MeetingIdCell)?.Trim(), $"The row has {_csv.RowFieldCount} fields; the header has {_csv.FieldCount}.");

    /// <summary>
    /// The data rows, in file order. Line numbers count the header as line 1 and each record as
    /// one line. A malformed record (an unterminated quote, a record over 1 MiB) ends the file: it
    /// is reported as a quarantined row and nothing after it can be read.
    /// </summary>
    public async IAsyncEnumerable<ExportRow> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await NextRecordAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ParseCurrent();
        }

        if (Malformed is not null)
        {
            yield return new QuarantinedRow(Line, null, Malformed);
        }
    }

    /// <summary>Checks and parses a record given as its known cells (see <see cref="KnownColumns"/>; null = absent column).</summary>
    public static ExportRow ParseCells(IReadOnlyList<string?> cells, string exportName, long line) =>
        Parse(known => cells[known], exportName, line);

    /// <summary>Checks and parses one record whose known cells <paramref name="cell"/> gives (by index in <see cref="KnownColumns"/>).</summary>
    private static ExportRow Parse(Func<int, string?> cell, string exportName, long line)
    {
        var parser = new RowParser(column => cell(KnownIndex[column]), exportName, line);
        var meeting = parser.Parse();
        return meeting is null
            ? new QuarantinedRow(line, cell(MeetingIdCell)?.Trim(), string.Join("; ", parser.Problems) + ".")
            : new AcceptedRow(line, meeting);
    }

    private string? CellText(int known) => CellSpan(known, out var present) is var span && present ? span.ToString() : null;

    private ExportRow ParseCurrent()
    {
        if (ShapeProblem() is { } shape)
        {
            return shape;
        }

        var row = Parse(CellText, _exportName, Line);
        if (row is AcceptedRow { Meeting: var meeting } && _seenMeetingIds is not null && !_seenMeetingIds.Add(meeting.MeetingId))
        {
            return new QuarantinedRow(Line, CellText(MeetingIdCell)?.Trim(), DuplicateReason(meeting.MeetingId));
        }

        return row;
    }

    public void Dispose() => _csv?.Dispose();
}
