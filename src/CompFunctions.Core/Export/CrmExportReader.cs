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
        var ordinals = new int[ExportColumns.Required.Count + ExportColumns.Optional.Count];
        var known = ExportColumns.Required.Concat(ExportColumns.Optional).ToArray();
        for (var k = 0; k < known.Length; k++)
        {
            ordinals[k] = Array.FindIndex(columns, c => string.Equals(c, known[k], StringComparison.OrdinalIgnoreCase));
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

    /// <summary>
    /// The data rows, in file order. Line numbers count the header as line 1 and each record as
    /// one line. A malformed record (an unterminated quote, a record over 1 MiB) ends the file: it
    /// is reported as a quarantined row and nothing after it can be read.
    /// </summary>
    public async IAsyncEnumerable<ExportRow> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_csv is null || Header.IsRejected)
        {
            yield break;
        }

        var known = ExportColumns.Required.Concat(ExportColumns.Optional).ToArray();
        var indexOf = known.Select((name, k) => (name, k)).ToDictionary(p => p.name, p => _ordinals[p.k], StringComparer.Ordinal);
        long line = 1;
        while (true)
        {
            bool more;
            string? malformed = null;
            try
            {
                more = await _csv.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (CsvRecordTooLargeException)
            {
                more = false;
                malformed = $"A record after line {line} is longer than {MaxRecordChars} characters (an unterminated quote?). Nothing after this point could be read.";
            }
            catch (CsvFormatException ex)
            {
                more = false;
                malformed = $"Malformed CSV at record {ex.RowNumber}: {ex.Message} Nothing after this point could be read.";
            }

            if (malformed is not null)
            {
                yield return new QuarantinedRow(line + 1, null, malformed);
                yield break;
            }

            if (!more)
            {
                yield break;
            }

            line++;
            if (_csv.RowFieldCount == 1 && string.IsNullOrWhiteSpace(_csv.GetString(0)) && _csv.FieldCount > 1)
            {
                line--; // a blank line (e.g. a trailing one) is not a record
                continue;
            }

            yield return ParseCurrent(line, indexOf);
        }
    }

    private ExportRow ParseCurrent(long line, Dictionary<string, int> indexOf)
    {
        var csv = _csv!;
        string? Cell(string column)
        {
            var ordinal = indexOf[column];
            return ordinal < 0 || ordinal >= csv.RowFieldCount ? null : csv.GetString(ordinal);
        }

        var rawId = Cell(ExportColumns.MeetingId)?.Trim();
        if (csv.RowFieldCount != csv.FieldCount)
        {
            return new QuarantinedRow(line, rawId, $"The row has {csv.RowFieldCount} fields; the header has {csv.FieldCount}.");
        }

        var parser = new RowParser(Cell, _exportName, line);
        var meeting = parser.Parse();
        if (meeting is null)
        {
            return new QuarantinedRow(line, rawId, string.Join("; ", parser.Problems) + ".");
        }

        if (_seenMeetingIds is not null && !_seenMeetingIds.Add(meeting.MeetingId))
        {
            return new QuarantinedRow(line, rawId, DuplicateReason(meeting.MeetingId));
        }

        return new AcceptedRow(line, meeting);
    }

    public void Dispose() => _csv?.Dispose();
}
