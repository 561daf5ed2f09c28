using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Export;
using CompFunctions.Core.Meetings;
using CompFunctions.Pipeline.Evaluation;
using CompFunctions.Pipeline.Storage;
using Microsoft.Extensions.Logging;

namespace CompFunctions.Pipeline.Ingestion;

/// <summary>
/// Applies one CRM export blob: streams and validates its rows, stores the accepted meetings,
/// records the run and its report, and queues one evaluation per (SDR, period) touched.
/// Idempotent: the same blob version always yields the same run id and the same rows, so a
/// retried trigger rewrites what the first attempt wrote. The export blob is only ever read.
/// </summary>
public sealed class ExportIngestion(
    TableServiceClient tables,
    BlobServiceClient blobs,
    QueueServiceClient queues,
    RunStore runs,
    EvaluationContext context,
    TimeProvider clock,
    ILogger<ExportIngestion> logger)
{
    private const int ProgressEvery = 100_000;
    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly TableClient _meetings = tables.GetTableClient(Tables.Meetings);
    private readonly TableClient _index = tables.GetTableClient(Tables.MeetingIndex);
    private readonly TableClient _history = tables.GetTableClient(Tables.MeetingHistory);
    private readonly BlobContainerClient _reports = blobs.GetBlobContainerClient(Bindings.ReportsContainer);
    private readonly QueueClient _queue = queues.GetQueueClient(Bindings.EvaluationQueue);

    public async Task<RunRecord> IngestAsync(BlobClient export, CancellationToken cancellationToken)
    {
        var properties = (await export.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        var runId = RunIds.Of(export.Name, properties.ETag);
        var startedAt = clock.GetUtcNow();
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["Export"] = export.Name, ["RunId"] = runId });
        logger.IngestStarted(export.Name, runId);
        await runs.SaveAsync(new RunRecord { RunId = runId, Export = export.Name, Status = RunStatus.Running, StartedAt = startedAt }, cancellationToken).ConfigureAwait(false);

        // Read exactly the version that triggered us: if the blob is replaced mid-read, fail and let the retry read the new one.
        var readOptions = new BlobOpenReadOptions(allowModifications: false) { Conditions = new BlobRequestConditions { IfMatch = properties.ETag } };
        await using var content = await export.OpenReadAsync(readOptions, cancellationToken).ConfigureAwait(false);
        await using var hashing = new HashingStream(content);
        using var reader = await CrmExportReader.OpenAsync(hashing, export.Name, cancellationToken).ConfigureAwait(false);

        var report = new ExportReport
        {
            RunId = runId,
            Export = export.Name,
            Status = RunStatus.Running,
            StartedAt = startedAt,
            MissingColumns = reader.Header.MissingColumns,
            UnknownColumns = reader.Header.UnknownColumns,
        };
        if (reader.Header.UnknownColumns.Count > 0)
        {
            logger.UnknownColumns(export.Name, string.Join(", ", reader.Header.UnknownColumns));
        }

        if (reader.Header.Rejection is { } rejection)
        {
            report = report with { Status = RunStatus.Rejected, Error = rejection, FinishedAt = clock.GetUtcNow() };
            var reportName = await WriteReportAsync(report, cancellationToken).ConfigureAwait(false);
            logger.ExportRejected(export.Name, rejection, reportName);
            return await FinishAsync(report, reportName, 0, cancellationToken).ConfigureAwait(false);
        }

        var accepted = new Dictionary<string, Meeting>(StringComparer.Ordinal);
        var quarantined = new List<QuarantineEntry>();
        long rowsRead = 0;
        await foreach (var row in reader.ReadRowsAsync(cancellationToken).ConfigureAwait(false))
        {
            rowsRead++;
            switch (row)
            {
                case AcceptedRow a:
                    accepted[a.Meeting.MeetingId] = a.Meeting;
                    break;
                case QuarantinedRow q:
                    quarantined.Add(new QuarantineEntry(q.Line, q.MeetingId, q.Reason));
                    break;
            }

            if (rowsRead % ProgressEvery == 0)
            {
                logger.IngestProgress(export.Name, rowsRead);
            }
        }

        var (touched, stale) = await ApplyAsync(accepted.Values, cancellationToken).ConfigureAwait(false);
        var queued = touched.Order(StringComparer.Ordinal).ToArray();
        foreach (var partition in queued)
        {
            var (period, sdrId) = Tables.SplitSdrPeriodKey(partition);
            await _queue.SendMessageAsync(new EvaluationRequest(sdrId, period, runId).ToJson(), cancellationToken).ConfigureAwait(false);
        }

        report = report with
        {
            Status = quarantined.Count == 0 ? RunStatus.Completed : RunStatus.CompletedWithQuarantine,
            FinishedAt = clock.GetUtcNow(),
            RowsRead = rowsRead,
            Accepted = accepted.Count - stale.Count,
            Quarantined = quarantined.Count,
            Stale = stale.Count,
            SdrPeriodsQueued = queued,
            QuarantinedRows = quarantined,
            StaleRows = stale,
            ContentSha256 = hashing.HashHex(),
        };
        var written = await WriteReportAsync(report, cancellationToken).ConfigureAwait(false);
        if (quarantined.Count > 0)
        {
            logger.RowsQuarantined(export.Name, quarantined.Count, written);
        }

        logger.IngestFinished(export.Name, rowsRead, accepted.Count, quarantined.Count, queued.Length);
        return await FinishAsync(report, written, queued.Length, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores the meetings and returns the (period|SDR) partitions whose evaluation may change:
    /// every partition a meeting is now in, and every partition a meeting moved out of.
    /// </summary>
    private async Task<(HashSet<string> Touched, List<QuarantineEntry> Stale)> ApplyAsync(IEnumerable<Meeting> meetings, CancellationToken cancellationToken)
    {
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var stale = new List<QuarantineEntry>();
        var meetingWrites = new List<TableTransactionAction>();
        var indexWrites = new List<TableTransactionAction>();
        var historyWrites = new List<TableTransactionAction>();
        var movedOut = new List<(string Partition, string MeetingId)>();
        foreach (var bucket in meetings.GroupBy(m => MeetingIndex.BucketOf(m.MeetingId), StringComparer.Ordinal))
        {
            var known = await ReadIndexBucketAsync(bucket.Key, cancellationToken).ConfigureAwait(false);
            foreach (var meeting in bucket)
            {
                known.TryGetValue(meeting.MeetingId, out var before);
                if (before?.LastModifiedAt is { } applied && meeting.LastModifiedAt is { } incoming && incoming < applied)
                {
                    // A late or out-of-order export must not overwrite what a newer one brought.
                    stale.Add(new QuarantineEntry(meeting.SourceRef.Line, meeting.MeetingId,
                        $"last_modified_at {incoming:O} is older than the version already applied ({applied:O}, from {before.Export}); not applied"));
                    continue;
                }

                var furthest = context.Stages.Furthest(before?.FurthestStage, meeting.HighestStage, meeting.OpportunityStage);
                var current = meeting with { FurthestStage = furthest };
                var partition = Tables.SdrPeriodKey(context.Calendar.PeriodOf(current.BookedAt), current.SdrId);
                touched.Add(partition);
                meetingWrites.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, MeetingEntities.ToEntity(current, partition)));

                if (before is not null && !string.Equals(before.Partition, partition, StringComparison.Ordinal))
                {
                    // The CRM moved the meeting to another SDR or period: it no longer counts where it was.
                    touched.Add(before.Partition);
                    movedOut.Add((before.Partition, meeting.MeetingId));
                }

                var hash = MeetingEntities.ContentHash(meeting);
                if (before?.ContentHash != hash)
                {
                    // A new version of the meeting: keep it, so what was paid from an older one stays readable.
                    var history = MeetingEntities.ToEntity(current, bucket.Key);
                    history.RowKey = $"{meeting.MeetingId}|{hash}";
                    history["AppliedPartition"] = partition;
                    historyWrites.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, history));
                }

                if (before is null || before.Partition != partition || before.FurthestStage != furthest || before.LastModifiedAt != meeting.LastModifiedAt || before.Export != meeting.SourceRef.Export || before.ContentHash != hash)
                {
                    indexWrites.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(bucket.Key, meeting.MeetingId)
                    {
                        ["Partition"] = partition,
                        ["FurthestStage"] = furthest,
                        ["LastModifiedAt"] = meeting.LastModifiedAt,
                        ["Export"] = meeting.SourceRef.Export,
                        ["ContentHash"] = hash,
                    }));
                }
            }
        }

        // Meetings first, index second: if we fail in between, the retry still sees the old index and does the same work again.
        await TableBatches.SubmitAsync(_meetings, meetingWrites, cancellationToken).ConfigureAwait(false);
        foreach (var (partition, meetingId) in movedOut)
        {
            // One by one, not batched: a retry may find the row already gone, which must not fail a whole batch.
            await _meetings.DeleteEntityAsync(partition, meetingId, ETag.All, cancellationToken).ConfigureAwait(false);
        }

        await TableBatches.SubmitAsync(_history, historyWrites, cancellationToken).ConfigureAwait(false);
        await TableBatches.SubmitAsync(_index, indexWrites, cancellationToken).ConfigureAwait(false);
        return (touched, stale);
    }

    private async Task<Dictionary<string, MeetingIndexEntry>> ReadIndexBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        var entries = new Dictionary<string, MeetingIndexEntry>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {bucket}");
        await foreach (var e in _index.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            entries[e.RowKey] = new MeetingIndexEntry(e.RowKey, e.GetString("Partition"), e.GetString("FurthestStage"), e.GetDateTimeOffset("LastModifiedAt"), e.GetString("Export"), e.GetString("ContentHash"));
        }

        return entries;
    }

    private async Task<string> WriteReportAsync(ExportReport report, CancellationToken cancellationToken)
    {
        var name = ExportReport.BlobName(report.Export, report.RunId);
        var json = JsonSerializer.SerializeToUtf8Bytes(report, ReportJson);
        await _reports.GetBlobClient(name).UploadAsync(new BinaryData(json), overwrite: true, cancellationToken).ConfigureAwait(false);
        return $"{Bindings.ReportsContainer}/{name}";
    }

    private async Task<RunRecord> FinishAsync(ExportReport report, string reportName, int queued, CancellationToken cancellationToken)
    {
        var run = new RunRecord
        {
            RunId = report.RunId,
            Export = report.Export,
            Status = report.Status,
            StartedAt = report.StartedAt,
            FinishedAt = report.FinishedAt,
            RowsRead = report.RowsRead,
            Accepted = report.Accepted,
            Quarantined = report.Quarantined,
            Stale = report.Stale,
            ContentSha256 = report.ContentSha256,
            SdrPeriodsQueued = queued,
            Error = report.Error,
            Report = reportName,
        };
        await runs.SaveAsync(run, cancellationToken).ConfigureAwait(false);
        return run;
    }
}
