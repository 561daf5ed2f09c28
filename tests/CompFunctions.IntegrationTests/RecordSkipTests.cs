using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Ingestion;
using CompFunctions.Pipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>
/// A record identical to the one applied before is skipped without being parsed; anything else —
/// a record that differs only in form, a duplicate, other settings — still goes through every check.
/// (SDRs it-skip*, June 2028.)
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class RecordSkipTests(PipelineFixture pipeline)
{
    private const string BookedAt = "2028-06-05T10:00:00-07:00";
    private const string ScheduledFor = "2028-06-07T10:00:00-07:00";

    private IndexStorage Index => IndexStorage.Of(pipeline.Tables, pipeline.Blobs);

    [Fact]
    public async Task A_record_that_differs_only_in_form_is_unchanged_and_from_then_on_skipped_without_rewriting_the_index()
    {
        var same = CsvRows.Held("T-SK-1", "it-skip", BookedAt, scheduledFor: ScheduledFor);
        var padded = CsvRows.Held("T-SK-2", "it-skip", BookedAt, scheduledFor: ScheduledFor, stage: "Demo");
        var first = await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/skip/1.csv", CsvRows.File(same, padded)));
        Assert.Equal((2L, 0L), (first.Accepted, first.Unchanged));
        var (sameHash, paddedHash) = (await EntryAsync("T-SK-1"), await EntryAsync("T-SK-2"));
        Assert.Matches("^[0-9a-f]{32}$", sameHash.RawHash);

        // The same values, one of them padded with spaces the parser trims: the meeting did not change, its record did.
        var second = await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/skip/2.csv", CsvRows.File(same, padded.Replace(",Demo,", ",Demo  ,"))));
        Assert.Equal((2L, 2L, 0), (second.Accepted, second.Unchanged, second.SdrPeriodsQueued));
        var (sameAfter, paddedAfter) = (await EntryAsync("T-SK-1"), await EntryAsync("T-SK-2"));
        Assert.Equal(sameHash, sameAfter);
        Assert.NotEqual(paddedHash.RawHash, paddedAfter.RawHash);
        Assert.Equal(paddedHash with { RawHash = paddedAfter.RawHash }, paddedAfter);
        var packs = await PackETagsAsync("T-SK-1", "T-SK-2");

        var third = await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/skip/3.csv", CsvRows.File(same, padded.Replace(",Demo,", ",Demo  ,"))));
        Assert.Equal((2L, 2L, 0), (third.Accepted, third.Unchanged, third.SdrPeriodsQueued));
        Assert.Equal(packs, await PackETagsAsync("T-SK-1", "T-SK-2"));
    }

    [Fact]
    public async Task A_records_hash_is_of_its_own_cells_so_the_same_rows_in_another_order_are_all_skipped()
    {
        string[] ids = ["T-SK-7", "T-SK-8", "T-SK-9"];
        var rows = ids.Select(id => CsvRows.Held(id, "it-skip-order", BookedAt, scheduledFor: ScheduledFor)).ToArray();
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/skip/order-1.csv", CsvRows.File(rows)));
        var entries = await Task.WhenAll(ids.Select(EntryAsync));
        var packs = await PackETagsAsync(ids);

        var run = await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/skip/order-2.csv", CsvRows.File([.. rows.Reverse()])));

        Assert.Equal((3L, 3L, 0), (run.Accepted, run.Unchanged, run.SdrPeriodsQueued));
        Assert.Equal(entries, await Task.WhenAll(ids.Select(EntryAsync)));
        Assert.Equal(packs, await PackETagsAsync(ids));
    }

    [Fact]
    public async Task Among_rows_of_one_meeting_the_first_valid_one_wins_even_when_it_is_the_record_applied_before()
    {
        var applied = CsvRows.Held("T-SK-3", "it-skip-dup", BookedAt, scheduledFor: ScheduledFor);
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/skip/dup-1.csv", CsvRows.File(applied)));

        var broken = applied.Replace(",held,", ",happened,");
        var changed = applied.Replace(",held,", ",no_show,");
        var export = "it/skip/dup-2.csv";
        var run = await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(export, CsvRows.File(broken, applied, changed)));

        Assert.Equal((3L, 1L, 1L, 2L, 0), (run.RowsRead, run.Accepted, run.Unchanged, run.Quarantined, run.SdrPeriodsQueued));
        var report = JsonDocument.Parse(await pipeline.ReadBlobTextAsync(Bindings.ReportsContainer, ExportReport.BlobName(export, run.RunId))).RootElement;
        var rows = report.GetProperty("quarantinedRows").EnumerateArray().Select(r => (r.GetProperty("line").GetInt64(), r.GetProperty("reason").GetString()!)).ToArray();
        Assert.Equal([2L, 4L], rows.Select(r => r.Item1));
        Assert.Contains("meeting_status 'happened'", rows[0].Item2);
        Assert.Contains("appears earlier in this file", rows[1].Item2);
    }

    [Fact]
    public async Task Under_another_stage_order_every_record_is_parsed_and_checked_again_once()
    {
        var row = CsvRows.Held("T-SK-4", "it-skip-settings", BookedAt, scheduledFor: ScheduledFor, stage: "Proposal", highest: "Proposal", amount: "12000.00");
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/skip/settings-1.csv", CsvRows.File(row)));
        var before = await EntryAsync("T-SK-4");

        // The same record, applied by an ingestion whose company inserts a stage before Proposal:
        // nothing about the meeting changed, but it must be looked at again, not skipped.
        var context = pipeline.Services.GetRequiredService<EvaluationContext>();
        var stages = new StageOrder(["Discovery", "Demo", "Security review", "Proposal", "Negotiation", "Closed Won"]);
        var ingestion = new ExportIngestion(
            pipeline.Tables, pipeline.Blobs, pipeline.Services.GetRequiredService<QueueServiceClient>(), pipeline.Services.GetRequiredService<RunStore>(),
            context with { Stages = stages }, TimeProvider.System, NullLogger<ExportIngestion>.Instance);
        var container = pipeline.Blobs.GetBlobContainerClient("it-skip-direct");
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient("settings-2.csv");
        await blob.UploadAsync(BinaryData.FromString(CsvRows.File(row)), overwrite: true);

        var run = await ingestion.IngestAsync(blob, CancellationToken.None);

        Assert.Equal((1L, 1L, 0), (run.Accepted, run.Unchanged, run.SdrPeriodsQueued));
        var after = await EntryAsync("T-SK-4");
        Assert.NotEqual(before.RawHash, after.RawHash);
        Assert.Equal(before with { RawHash = after.RawHash }, after);
    }

    private async Task<MeetingIndexEntry> EntryAsync(string meetingId) =>
        await MeetingIndex.FindAsync(Index, meetingId, CancellationToken.None) ?? throw new InvalidOperationException($"{meetingId} is not in the index");

    /// <summary>Where each meeting's entry is read from (its bucket's delta, or its bucket's blob), with its ETag: a rewrite changes it.</summary>
    private async Task<string[]> PackETagsAsync(params string[] meetingIds)
    {
        var tags = new List<string>();
        foreach (var id in meetingIds)
        {
            var read = await MeetingIndex.ReadBucketAsync(Index, MeetingIndex.BucketOf(id), CancellationToken.None);
            tags.Add(read.Delta is { } delta && MeetingIndex.EntriesOf(delta).Any(e => e.MeetingId == id) ? $"delta {delta.ETag}" : $"blob {read.BlobETag}");
        }

        return [.. tags];
    }
}
