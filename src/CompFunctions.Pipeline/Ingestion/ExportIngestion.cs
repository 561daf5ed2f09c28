using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Export;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Pipeline.Evaluation;
using CompFunctions.Pipeline.Storage;
using Microsoft.Extensions.Logging;

namespace CompFunctions.Pipeline.Ingestion;

/// <summary>
/// Applies one CRM export blob: streams and validates its rows, stores the meetings that changed
/// since the version applied before, records the run and its report, and queues one evaluation
/// per (SDR, period) whose meetings changed. The file is never held in memory: records are grouped
/// through local temporary files (<see cref="RecordSpill"/>, <see cref="Spill{T}"/>) and worked on
/// one index bucket (a 64th) at a time.
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
    /// <summary>
    /// How many index buckets are read ahead of the comparison. Four, not two, since entries are
    /// kept compact (1,000,000 rows, unchanged night: waiting 0.8 -> 0.4 s; eight waited as long
    /// and peaked 80 MB higher).
    /// </summary>
    private const int IndexReadAhead = 4;
    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly TableClient _meetings = tables.GetTableClient(Tables.Meetings);
    private readonly IndexStorage _index = IndexStorage.Of(tables, blobs);
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

        // Read exactly the version that triggered us: if the blob was replaced since, fail and let the retry read the new one.
        // One streamed download, not OpenRead's 4 MiB ranges: on the emulator each range cost as much again to serve
        // (a 226 MB export: 2.4 s and 3.3 s of Azurite's CPU in ranges, 0.9 s and 1.2 s in one stream). Should the
        // connection drop, the SDK resumes from where it was, under the same ETag condition.
        var download = new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = properties.ETag } };
        await using var content = (await export.DownloadStreamingAsync(download, cancellationToken).ConfigureAwait(false)).Value.Content;
        await using var hashing = new ReadAheadStream(content);
        using var reader = await CrmExportReader.OpenAsync(hashing, export.Name, cancellationToken, findDuplicates: false).ConfigureAwait(false);

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

        // The index is read from now on, a few buckets ahead of the comparison: the emulator (or the
        // storage account) answers while the file is read and split.
        var index = new IndexReads(this, cancellationToken);
        index.Start();

        // Pass 1: read every record and sort it, unparsed, by index bucket into local files.
        // Nothing of the file stays in memory, however long it is. Parsing and checking a row
        // waits for pass 2, and is skipped there for a record identical to the one applied before.
        var phase = System.Diagnostics.Stopwatch.StartNew();
        using var spill = new IngestionSpill(runId, SettingsKey(context));
        var quarantined = new QuarantineList(ExportReport.ListLimit);
        long rowsRead = 0;
        Applied applied;
        TimeSpan read;
        try
        {
            while (await reader.NextRecordAsync(cancellationToken).ConfigureAwait(false))
            {
                rowsRead++;
                if (reader.ShapeProblem() is { } shape)
                {
                    quarantined.Add(new QuarantineEntry(shape.Line, shape.MeetingId, shape.Reason));
                }
                else
                {
                    spill.Records.Add(MeetingIndex.BucketNumberOf(reader.CellSpan(CrmExportReader.MeetingIdCell, out _).Trim()), reader);
                }

                if (rowsRead % ProgressEvery == 0)
                {
                    logger.IngestProgress(export.Name, rowsRead);
                }
            }

            if (reader.Malformed is { } malformed)
            {
                rowsRead++;
                quarantined.Add(new QuarantineEntry(reader.Line, null, malformed));
            }

            read = phase.Elapsed;
            applied = await ApplyAsync(export.Name, runId, startedAt, spill, quarantined, index, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Nothing is left running when the ingestion fails: index reads still in flight are waited for.
            await index.SettleAsync().ConfigureAwait(false);
            throw;
        }

        var queued = applied.Queue.Order(StringComparer.Ordinal).ToArray();
        var queuing = phase.Elapsed;
        await Parallel.ForEachAsync(EvaluationRequest.For(queued, runId), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (request, ct) =>
            await _queue.SendMessageAsync(request.ToJson(), ct).ConfigureAwait(false)).ConfigureAwait(false);
        logger.IngestTimings(export.Name, read.TotalSeconds, applied.Compared.TotalSeconds, applied.WaitedForIndex.TotalSeconds, applied.MeetingsStored.TotalSeconds, (queuing - read - applied.Compared - applied.MeetingsStored).TotalSeconds, (phase.Elapsed - queuing).TotalSeconds);

        report = report with
        {
            Status = quarantined.Count == 0 ? RunStatus.Completed : RunStatus.CompletedWithQuarantine,
            FinishedAt = clock.GetUtcNow(),
            RowsRead = rowsRead,
            Accepted = applied.Accepted,
            Quarantined = quarantined.Count,
            Stale = applied.Stale.Count,
            Unchanged = applied.Unchanged,
            SdrPeriodsQueued = queued,
            QuarantinedRows = quarantined.Listed,
            StaleRows = applied.Stale.Listed,
            ListsTruncated = quarantined.Truncated || applied.Stale.Truncated,
            ContentSha256 = await hashing.HashHexAsync(cancellationToken).ConfigureAwait(false),
        };
        var written = await WriteReportAsync(report, cancellationToken).ConfigureAwait(false);
        if (quarantined.Count > 0)
        {
            logger.RowsQuarantined(export.Name, quarantined.Count, written);
        }

        logger.IngestFinished(export.Name, rowsRead, report.Accepted, report.Unchanged, quarantined.Count, queued.Length);
        return await FinishAsync(report, written, queued.Length, cancellationToken).ConfigureAwait(false);
    }

    /// <param name="Compared">How long comparing took (pass 2).</param>
    /// <param name="WaitedForIndex">How much of it was spent waiting for index buckets to be read.</param>
    /// <param name="MeetingsStored">How long storing the changed meetings took after it (the rest of applying is writing the index).</param>
    private sealed record Applied(HashSet<string> Queue, QuarantineList Stale, long Accepted, long Unchanged, TimeSpan Compared, TimeSpan WaitedForIndex, TimeSpan MeetingsStored);

    /// <summary>Waits until every task has finished, whatever its outcome.</summary>
    private static async Task WhenSettledAsync(IEnumerable<Task> tasks)
    {
        foreach (var task in tasks)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch
            {
                // settled; see the caller
            }
        }
    }

    /// <summary>
    /// What, besides a record's cells, decides how it is applied (its period, its furthest stage):
    /// part of every record hash, so a change of settings makes every record count as new once.
    /// </summary>
    private static string SettingsKey(EvaluationContext context) =>
        $"records-v1|{context.Calendar.TimeZoneId}|{string.Join('|', context.Stages.Stages)}";

    /// <summary>
    /// Pass 2–4: skips each record identical to the one its meeting was applied from, parses and
    /// checks the others and compares them with the version applied before (bucket by bucket),
    /// stores what changed, and returns the (period|SDR) partitions to evaluate again: every
    /// partition a changed meeting is now in or moved out of, and the month after each (whose
    /// duplicate and paid-once checks look back at it). Unchanged rows cost nothing but their spill
    /// round trip and the read of their index bucket. Writes go meetings first, index last: if we fail in between, the
    /// retry still sees the old index and does the same work again.
    /// </summary>
    private async Task<Applied> ApplyAsync(string exportName, string runId, DateTimeOffset startedAt, IngestionSpill spill, QuarantineList quarantined, IndexReads index, CancellationToken cancellationToken)
    {
        var comparing = System.Diagnostics.Stopwatch.StartNew();
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var stale = new QuarantineList(ExportReport.ListLimit);
        var movedOut = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var occupied = new HashSet<string>(StringComparer.Ordinal);
        long unchanged = 0;
        long accepted = 0;
        CompPeriod? latest = null;
        var unpackedBuckets = new bool[spill.Records.Files];
        var idChars = new char[SpilledRecord.MaxIdChars];
        var writingHistory = Task.CompletedTask;
        var waitedForIndex = TimeSpan.Zero;
        try
        {
            for (var bucket = 0; bucket < spill.Records.Files; bucket++)
            {
                var bucketName = MeetingIndex.BucketName(bucket);
                var waitStarted = comparing.Elapsed;
                var (known, hasUnpacked) = await index.NextAsync().ConfigureAwait(false);
                waitedForIndex += comparing.Elapsed - waitStarted;

                unpackedBuckets[bucket] = hasUnpacked;
                for (var entry = 0; entry < known.Count; entry++)
                {
                    occupied.Add(known.PartitionOf(entry));
                }

                // Rows of one meeting share a bucket and keep file order here: the first valid one wins.
                // Known meetings are found by the id's characters, so a skipped record allocates nothing.
                var seenNew = new HashSet<string>(StringComparer.Ordinal);
                bool FirstValid(string meetingId, int entry) => entry >= 0 ? known.MarkSeen(entry) : seenNew.Add(meetingId);

                var versions = new List<SerializedVersion>();
                foreach (var record in spill.Records.Read(bucket))
                {
                    var found = known.Find(record.MeetingId(idChars));
                    if (found >= 0 && known.RawHashIs(found, record.Hash) && known.MarkSeen(found))
                    {
                        // The very record that was applied, under the same settings: nothing to parse, check, write or queue.
                        accepted++;
                        unchanged++;
                        continue;
                    }

                    var rawHash = record.HashText;
                    var row = CrmExportReader.ParseCells(record.Cells(), exportName, record.Line);
                    if (row is QuarantinedRow problem)
                    {
                        quarantined.Add(new QuarantineEntry(problem.Line, problem.MeetingId, problem.Reason));
                        continue;
                    }

                    var meeting = ((AcceptedRow)row).Meeting;
                    var knownAt = known.Find(meeting.MeetingId);
                    var before = knownAt >= 0 ? known.Entry(knownAt) : null;
                    if (!FirstValid(meeting.MeetingId, knownAt))
                    {
                        quarantined.Add(new QuarantineEntry(meeting.SourceRef.Line, meeting.MeetingId, CrmExportReader.DuplicateReason(meeting.MeetingId)));
                        continue;
                    }

                    if (before?.LastModifiedAt is { } appliedAt && meeting.LastModifiedAt is { } incoming && incoming < appliedAt)
                    {
                        // A late or out-of-order export must not overwrite what a newer one brought.
                        stale.Add(new QuarantineEntry(meeting.SourceRef.Line, meeting.MeetingId,
                            $"last_modified_at {incoming:O} is older than the version already applied ({appliedAt:O}, from {before.Export}); not applied"));
                        continue;
                    }

                    accepted++;
                    var furthest = context.Stages.Furthest(before?.FurthestStage, meeting.HighestStage, meeting.OpportunityStage);
                    var current = meeting with { FurthestStage = furthest };
                    var period = context.Calendar.PeriodOf(current.BookedAt);
                    latest = latest is { } l && l.CompareTo(period) >= 0 ? l : period;
                    var partition = Tables.SdrPeriodKey(period, current.SdrId);
                    var hash = MeetingEntities.ContentHash(meeting);
                    if (before is not null && before.ContentHash == hash && before.Partition == partition && before.FurthestStage == furthest)
                    {
                        // The CRM says what it said before: the stored row, its lines and its provenance stand.
                        // Only the record's hash is new to the index (written before it kept one, or
                        // the cells differ in form only): keep it, so next night skips the record unparsed.
                        unchanged++;
                        if (before.RawHash != rawHash)
                        {
                            spill.Index.Add(bucket, before with { RawHash = rawHash });
                        }

                        continue;
                    }

                    touched.Add(partition);
                    spill.Meetings.Add(PartitionFile(partition, spill.Meetings.Files), current);
                    if (before is not null && !string.Equals(before.Partition, partition, StringComparison.Ordinal))
                    {
                        // The CRM moved the meeting to another SDR or period: it no longer counts where it was.
                        touched.Add(before.Partition);
                        if (!movedOut.TryGetValue(before.Partition, out var leaving))
                        {
                            movedOut[before.Partition] = leaving = new HashSet<string>(StringComparer.Ordinal);
                        }

                        leaving.Add(meeting.MeetingId);
                    }

                    if (before?.ContentHash != hash)
                    {
                        // A new version of the meeting: keep it, so what was paid from an older one stays readable.
                        versions.Add(MeetingHistory.Serialize(new MeetingVersion(meeting.MeetingId, hash, partition, current)));
                    }

                    spill.Index.Add(bucket, new MeetingIndexEntry(meeting.MeetingId, partition, furthest, meeting.LastModifiedAt, meeting.SourceRef.Export, hash, rawHash));
                }

                // The bucket's history is written while the next bucket is compared (one bucket's at a time).
                var historyRows = versions
                    .GroupBy(v => MeetingIndex.PackOf(v.MeetingId), StringComparer.Ordinal)
                    .Select(pack => new TableTransactionAction(TableTransactionActionType.UpsertReplace, MeetingHistory.ToRow(bucketName, pack.Key, runId, pack)))
                    .ToList();
                await writingHistory.ConfigureAwait(false);
                writingHistory = TableBatches.SubmitAsync(_history, historyRows, cancellationToken);
                index.Done(known);
                logger.IngestApplying(exportName, "compared", bucket + 1, spill.Records.Files);
            }

            await writingHistory.ConfigureAwait(false);
        }
        catch
        {
            // Nothing is left running when the ingestion fails (it is retried from the start): the
            // history batch and the index reads still in flight are waited for, their own failures
            // dropped — the one being thrown says what went wrong first.
            await WhenSettledAsync([writingHistory, index.SettleAsync()]).ConfigureAwait(false);
            throw;
        }

        var compared = comparing.Elapsed;
        await StoreMeetingsAsync(spill.Meetings, movedOut, occupied, startedAt, cancellationToken).ConfigureAwait(false);
        logger.IngestApplying(exportName, "meetings stored", spill.Meetings.Count, spill.Meetings.Count);
        var meetingsStored = comparing.Elapsed - compared;

        // Buckets are independent partitions: two are written at once (more held more memory on a first night, each bucket being all new).
        await Parallel.ForAsync(0, spill.Index.Files, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken }, async (bucket, ct) =>
        {
            var changed = spill.Index.Read(bucket).ToList();
            if (changed.Count > 0 || unpackedBuckets[bucket])
            {
                await MeetingIndex.WriteAsync(_index, MeetingIndex.BucketName(bucket), changed, ct, rowsFromBefore: unpackedBuckets[bucket]).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);

        var queue = new HashSet<string>(touched, StringComparer.Ordinal);
        foreach (var partition in touched)
        {
            var (period, sdrId) = Tables.SplitSdrPeriodKey(partition);
            if (CompPeriod.Parse(period).Next() is var next && latest is { } last && next.CompareTo(last) <= 0)
            {
                queue.Add(Tables.SdrPeriodKey(next, sdrId));
            }
        }

        return new Applied(queue, stale, accepted, unchanged, compared, waitedForIndex, meetingsStored);
    }

    /// <summary>
    /// Writes each partition's row once: its changed meetings in, the meetings that moved
    /// elsewhere out — a few as a change set stamped with the run's start, merged in without
    /// reading the row (see <see cref="MeetingPacks"/>). A partition no known meeting was in is
    /// added without reading it first. Partitions are independent, so several are written at once.
    /// </summary>
    private async Task StoreMeetingsAsync(Spill<Meeting> changed, Dictionary<string, HashSet<string>> movedOut, HashSet<string> occupied, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var none = new HashSet<string>(StringComparer.Ordinal);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };
        for (var file = 0; file < changed.Files; file++)
        {
            var partitions = changed.Read(file).GroupBy(m => Tables.SdrPeriodKey(context.Calendar.PeriodOf(m.BookedAt), m.SdrId), StringComparer.Ordinal).ToArray();
            await Parallel.ForEachAsync(partitions, parallel, async (partition, ct) =>
            {
                var removals = movedOut.GetValueOrDefault(partition.Key) ?? none;
                await MeetingPacks.ApplyAsync(_meetings, partition.Key, partition.ToArray(), removals, fresh: !occupied.Contains(partition.Key), startedAt, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            foreach (var partition in partitions)
            {
                movedOut.Remove(partition.Key);
            }
        }

        // Partitions that only lost meetings.
        await Parallel.ForEachAsync(movedOut, parallel, async (partition, ct) =>
            await MeetingPacks.ApplyAsync(_meetings, partition.Key, [], partition.Value, fresh: false, startedAt, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>Meetings of one partition land in one file, so each partition's pack is written once.</summary>
    private static int PartitionFile(string partition, int files) => (int)(MeetingIndex.StableHash(partition) % (uint)files);

    /// <summary>The local files of one ingestion, in a folder of its own under the temp folder; deleted when done.</summary>
    private sealed class IngestionSpill : IDisposable
    {
        private readonly string _folder;

        public IngestionSpill(string runId, string settingsKey)
        {
            _folder = Path.Combine(Path.GetTempPath(), "compfunctions-ingest", $"{runId}-{Guid.NewGuid():N}");
            Records = new RecordSpill(_folder, MeetingIndex.Buckets, settingsKey);
            Meetings = new Spill<Meeting>(_folder, "meetings", MeetingIndex.Buckets, SpillJson.Default.Meeting);
            Index = new Spill<MeetingIndexEntry>(_folder, "index", MeetingIndex.Buckets, SpillJson.Default.MeetingIndexEntry);
        }

        /// <summary>The export's records, unparsed, by index bucket.</summary>
        public RecordSpill Records { get; }

        /// <summary>The changed meetings, by partition file.</summary>
        public Spill<Meeting> Meetings { get; }

        /// <summary>The index entries to write last, by index bucket.</summary>
        public Spill<MeetingIndexEntry> Index { get; }

        public void Dispose()
        {
            Records.Dispose();
            Meetings.Dispose();
            Index.Dispose();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // best effort: the files are already gone; an empty folder in temp harms nothing
            }
        }
    }

    /// <summary>
    /// The index buckets, read in order a few ahead of the comparison (<see cref="IndexReadAhead"/>:
    /// the emulator answers one query while the app decodes another), each into the buffers of a
    /// bucket compared before (at most one more than that many buckets' entries held at once).
    /// Started before the export is read: the storage is idle while the app reads and splits the
    /// file, so the first buckets are there when the comparison begins.
    /// </summary>
    private sealed class IndexReads(ExportIngestion owner, CancellationToken cancellationToken)
    {
        // Every bucket's delta (and which buckets still hold rows from before blobs) in one go, before any bucket's blob is wanted.
        private readonly Task<IndexTableRows> _table = MeetingIndex.ReadTableAsync(owner._index.Table, cancellationToken);
        private readonly Queue<Task<(IndexEntries Entries, bool HasUnpacked)>> _reading = new();
        private readonly System.Collections.Concurrent.ConcurrentBag<IndexEntries> _spare = [];
        private readonly TextPool _pool = new();
        private int _next;

        /// <summary>Starts reading buckets until <see cref="IndexReadAhead"/> are in flight or every bucket is.</summary>
        public void Start()
        {
            while (_reading.Count < IndexReadAhead && _next < MeetingIndex.Buckets)
            {
                var entries = _spare.TryTake(out var spare) ? spare : new IndexEntries(_pool);
                _reading.Enqueue(owner.ReadIndexBucketAsync(MeetingIndex.BucketName(_next++), _table, entries, cancellationToken));
            }
        }

        /// <summary>The next bucket's entries (buckets come in order), and the read of a further one started.</summary>
        public async Task<(IndexEntries Entries, bool HasUnpacked)> NextAsync()
        {
            var next = await _reading.Dequeue().ConfigureAwait(false);
            Start();
            return next;
        }

        /// <summary>A bucket compared: its buffers serve a bucket still to be read.</summary>
        public void Done(IndexEntries entries) => _spare.Add(entries);

        /// <summary>Waits for the reads in flight, whatever their outcome (for a failing ingestion).</summary>
        public Task SettleAsync() => WhenSettledAsync([_table, .. _reading]);
    }

    /// <summary>A bucket's entries, read into <paramref name="entries"/> (emptied first), and whether it still holds rows from before bucket blobs (then it is rewritten even if nothing changed).</summary>
    private async Task<(IndexEntries Entries, bool HasUnpacked)> ReadIndexBucketAsync(string bucket, Task<IndexTableRows> table, IndexEntries entries, CancellationToken cancellationToken)
    {
        var rows = await table.ConfigureAwait(false);
        entries.Clear();
        return (entries, await MeetingIndex.AddBucketEntriesAsync(_index, bucket, rows, entries, cancellationToken).ConfigureAwait(false));
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
            Unchanged = report.Unchanged,
            ContentSha256 = report.ContentSha256,
            SdrPeriodsQueued = queued,
            Error = report.Error,
            Report = reportName,
        };
        await runs.SaveAsync(run, cancellationToken).ConfigureAwait(false);
        return run;
    }
}
