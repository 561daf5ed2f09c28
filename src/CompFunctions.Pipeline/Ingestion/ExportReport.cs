namespace CompFunctions.Pipeline.Ingestion;

/// <summary>A quarantined row as the report shows it: line, meeting id (when readable) and reason.</summary>
public sealed record QuarantineEntry(long Line, string? MeetingId, string Reason);

/// <summary>
/// The report of one run, written as JSON to <c>export-reports/{export}.{runId}.json</c> so an
/// operator can read why a file or a row was not applied.
/// </summary>
public sealed record ExportReport
{
    public required string RunId { get; init; }
    public required string Export { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; init; }
    public long RowsRead { get; init; }
    public long Accepted { get; init; }
    public long Quarantined { get; init; }

    /// <summary>Rows not applied because a newer version of the meeting (by <c>last_modified_at</c>) was already applied.</summary>
    public long Stale { get; init; }

    /// <summary>Accepted rows identical to the version already applied (same content, same SDR and period): not rewritten, not re-evaluated.</summary>
    public long Unchanged { get; init; }

    /// <summary>
    /// True when more than <see cref="ListLimit"/> rows were quarantined or stale: the lists hold
    /// the first ones, the counts above are complete, and every row is still in the export blob.
    /// </summary>
    public bool ListsTruncated { get; init; }

    /// <summary>At most this many rows are listed in each of the report's row lists, so a broken file cannot make the report (or the memory) unbounded.</summary>
    public const int ListLimit = 10_000;

    /// <summary>SHA-256 of the export's bytes as read, so a run can be tied to exactly one file content.</summary>
    public string? ContentSha256 { get; init; }
    public string? Error { get; init; }
    public IReadOnlyList<string> MissingColumns { get; init; } = [];
    public IReadOnlyList<string> UnknownColumns { get; init; } = [];
    public IReadOnlyList<string> SdrPeriodsQueued { get; init; } = [];
    public IReadOnlyList<QuarantineEntry> QuarantinedRows { get; init; } = [];
    public IReadOnlyList<QuarantineEntry> StaleRows { get; init; } = [];

    public static string BlobName(string export, string runId) => $"{export}.{runId}.json";
}
