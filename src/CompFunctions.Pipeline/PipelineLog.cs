using Microsoft.Extensions.Logging;

namespace CompFunctions.Pipeline;

/// <summary>Every log line the pipeline writes: structured, with event ids; never a CSV row or a person's details.</summary>
public static partial class PipelineLog
{
    [LoggerMessage(1000, LogLevel.Information, "Ingesting export {Export} as run {RunId}")]
    public static partial void IngestStarted(this ILogger logger, string export, string runId);

    [LoggerMessage(1001, LogLevel.Information, "Ingested export {Export}: {RowsRead} rows read, {Accepted} accepted ({Unchanged} unchanged), {Quarantined} quarantined, {SdrPeriods} SDR periods queued")]
    public static partial void IngestFinished(this ILogger logger, string export, long rowsRead, long accepted, long unchanged, long quarantined, int sdrPeriods);

    [LoggerMessage(1002, LogLevel.Warning, "Export {Export} rejected, nothing applied: {Reason}. Report: {Report}")]
    public static partial void ExportRejected(this ILogger logger, string export, string reason, string report);

    [LoggerMessage(1003, LogLevel.Warning, "Export {Export}: {Quarantined} rows quarantined. Report: {Report}")]
    public static partial void RowsQuarantined(this ILogger logger, string export, long quarantined, string report);

    [LoggerMessage(1004, LogLevel.Warning, "Export {Export} has columns the contract does not know, ignored: {Columns}")]
    public static partial void UnknownColumns(this ILogger logger, string export, string columns);

    [LoggerMessage(1005, LogLevel.Information, "Export {Export}: {Rows} rows read so far")]
    public static partial void IngestProgress(this ILogger logger, string export, long rows);

    [LoggerMessage(1006, LogLevel.Information, "Export {Export}: {Step} {Done}/{Total}")]
    public static partial void IngestApplying(this ILogger logger, string export, string step, long done, long total);

    [LoggerMessage(1007, LogLevel.Information, "Export {Export}: read and sorted in {ReadSeconds:0.0} s, compared in {CompareSeconds:0.0} s (of which waiting for the index {IndexWaitSeconds:0.0} s), meetings stored in {MeetingsSeconds:0.0} s, index written in {IndexSeconds:0.0} s, evaluations queued in {QueueSeconds:0.0} s")]
    public static partial void IngestTimings(this ILogger logger, string export, double readSeconds, double compareSeconds, double indexWaitSeconds, double meetingsSeconds, double indexSeconds, double queueSeconds);

    [LoggerMessage(1100, LogLevel.Information, "Evaluated {SdrId} {Period}: {Meetings} meeting(s), {Lines} line(s), statement written: {Written} ({Segments} segment(s) of its lines and verdicts)")]
    public static partial void Evaluated(this ILogger logger, string sdrId, string period, int meetings, int lines, bool written, int segments);

    [LoggerMessage(1102, LogLevel.Information, "{SdrId} {Period} is locked: {Adjustments} adjustment line(s) now stand in {OpenPeriod}")]
    public static partial void AdjustmentsBooked(this ILogger logger, string sdrId, string period, int adjustments, string openPeriod);

    [LoggerMessage(1101, LogLevel.Error, "Evaluation message rejected, it will not be retried: {Reason}")]
    public static partial void BadEvaluationMessage(this ILogger logger, string reason);

    [LoggerMessage(1300, LogLevel.Warning, "Policy document {Document} rejected, the versions in force are unchanged: {Problems}. Report: {Report}")]
    public static partial void PolicyDocumentRejected(this ILogger logger, string document, string problems, string report);

    [LoggerMessage(1301, LogLevel.Information, "Policy document {Document}: {Kind} {Id} v{Version} {Status}; {SdrPeriods} SDR periods queued for re-evaluation")]
    public static partial void PolicyDocumentAccepted(this ILogger logger, string document, string kind, string id, int version, string status, int sdrPeriods);

    [LoggerMessage(1200, LogLevel.Warning, "No CRM export arrived by {ExpectedBy} ({TimeZone}) on {Date}; the last one started at {LastStarted}")]
    public static partial void ExportMissing(this ILogger logger, string expectedBy, string timeZone, string date, string lastStarted);

    [LoggerMessage(1201, LogLevel.Information, "Nightly check for {Date}: {Runs} export run(s) arrived in time")]
    public static partial void ExportArrived(this ILogger logger, string date, int runs);
}
