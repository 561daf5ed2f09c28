using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;
using CompFunctions.Pipeline.Http;
using CompFunctions.Pipeline.Storage;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>The meeting index keeps a bucket's meetings in one blob, and a night's changes in a delta row per bucket; packs and rows from before blobs are still read and then folded in. (SDR it-index, December 2027.)</summary>
[Collection(PipelineCollection.Name)]
public sealed class MeetingIndexTests(PipelineFixture pipeline)
{
    private IndexStorage Index => IndexStorage.Of(pipeline.Tables, pipeline.Blobs);

    [Fact]
    public async Task An_index_row_from_before_packs_is_read_then_folded_into_its_buckets_blob_when_the_bucket_is_next_written()
    {
        var index = pipeline.Tables.GetTableClient(Tables.MeetingIndex);
        const string meetingId = "T-IX-1";
        var bucket = MeetingIndex.BucketOf(meetingId);
        // What an earlier version of the app wrote: one row per meeting, which saw the deal at Negotiation.
        await index.UpsertEntityAsync(new TableEntity(bucket, meetingId)
        {
            ["Partition"] = "2027-12|it-index",
            ["FurthestStage"] = "Negotiation",
            ["Export"] = "it/index/old.csv",
            ["ContentHash"] = "from-an-older-version",
        });

        // Tonight the CRM says Closed Lost without a highest stage: the furthest stage must come from that row.
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/index/night.csv", CsvRows.File(
            CsvRows.Held(meetingId, "it-index", bookedAt: "2027-12-01T10:00:00-08:00", scheduledFor: "2027-12-02T10:00:00-08:00", stage: "Closed Lost", amount: "20000.00"))));
        var statement = await pipeline.WaitForStatementAsync("2027-12", "it-index");

        Assert.Contains("reached Negotiation", statement.Lines.Single(l => l.Component == "pipeline").Reason);
        var read = await MeetingIndex.ReadBucketAsync(Index, bucket, CancellationToken.None);
        Assert.False(read.HasRowsFromBefore);
        Assert.NotNull(read.Blob);
        var entry = Assert.Single(MeetingIndex.EntriesOf(read), e => e.MeetingId == meetingId);
        Assert.Equal(("2027-12|it-index", "Negotiation", "it/index/night.csv"), (entry.Partition, entry.FurthestStage, entry.Export));
        var meeting = await pipeline.Http.GetFromJsonAsync<MeetingDocument>($"/api/meetings/{meetingId}", StatementDocument.Json);
        Assert.Equal("it-index", meeting!.SdrId);
    }

    [Fact]
    public async Task A_nights_changes_go_into_the_buckets_delta_until_it_is_full_then_fold_into_the_buckets_blob()
    {
        const string bucket = "it-delta"; // not one of the 64 buckets: no other test's meetings
        static MeetingIndexEntry Entry(int i, string stage = "Discovery") => new($"T-DX-{i:D5}", "2027-11|it-delta", stage, Export: "it/delta.csv", ContentHash: $"h{i}");

        await MeetingIndex.WriteAsync(Index, bucket, [Entry(1), Entry(2), Entry(3)], CancellationToken.None);
        await MeetingIndex.WriteAsync(Index, bucket, [Entry(2, "Proposal")], CancellationToken.None);

        var read = await MeetingIndex.ReadBucketAsync(Index, bucket, CancellationToken.None);
        var delta = Assert.Single(read.Rows);
        Assert.True(MeetingIndex.IsDelta(delta));
        Assert.Null(read.Blob);
        Assert.Equal([Entry(1), Entry(2, "Proposal"), Entry(3)], MeetingIndex.EntriesOf(delta));

        // One more write than the delta holds: everything goes into the blob, the delta is gone
        // (written as ingestion writes a bucket it found no rows from before blobs in: reading the delta first).
        var many = Enumerable.Range(4, MeetingIndex.DeltaLimit).Select(i => Entry(i)).ToArray();
        await MeetingIndex.WriteAsync(Index, bucket, many, CancellationToken.None, rowsFromBefore: false);

        read = await MeetingIndex.ReadBucketAsync(Index, bucket, CancellationToken.None);
        Assert.Empty(read.Rows);
        Assert.NotNull(read.Blob);
        Assert.Equal(
            [Entry(1), Entry(2, "Proposal"), Entry(3), .. many],
            MeetingIndex.EntriesOf(read).OrderBy(e => e.MeetingId, StringComparer.Ordinal));

        // The next change goes into a new delta again, and readers take it over the blob's.
        await MeetingIndex.WriteAsync(Index, bucket, [Entry(3, "Closed Won")], CancellationToken.None, rowsFromBefore: false);
        read = await MeetingIndex.ReadBucketAsync(Index, bucket, CancellationToken.None);
        Assert.Single(read.Rows, MeetingIndex.IsDelta);
        Assert.Equal("Closed Won", MeetingIndex.EntriesOf(read).Single(e => e.MeetingId == Entry(3).MeetingId).FurthestStage);

        // Ingestion reads every bucket's delta with one query: the bucket reads the same that way.
        var table = await MeetingIndex.ReadTableAsync(Index.Table, CancellationToken.None);
        Assert.DoesNotContain(bucket, table.HoldRowsFromBefore);
        var viaTable = await MeetingIndex.ReadBucketAsync(Index, bucket, table, CancellationToken.None);
        Assert.Equal(read.Rows.Select(r => (r.RowKey, r.ETag)), viaTable.Rows.Select(r => (r.RowKey, r.ETag)));
        Assert.Equal(MeetingIndex.EntriesOf(read).OrderBy(e => e.MeetingId, StringComparer.Ordinal), MeetingIndex.EntriesOf(viaTable).OrderBy(e => e.MeetingId, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_bucket_still_in_table_packs_reads_as_it_did_and_moves_into_its_blob_on_its_next_write_the_blob_refusing_a_stale_writer()
    {
        var table = pipeline.Tables.GetTableClient(Tables.MeetingIndex);
        const string bucket = "it-packs-before-blobs";
        static MeetingIndexEntry Entry(int i, string stage = "Discovery") => new($"T-PB4-{i:D4}", "2027-10|it-index", stage, Export: "it/before.csv", ContentHash: $"h{i}");
        var old = Enumerable.Range(0, 300).Select(i => Entry(i)).ToArray();
        // What the version before wrote when folding: packs in the table, and a delta over them.
        await TableBatches.SubmitAsync(table, old.GroupBy(e => MeetingIndex.PackOf(e.MeetingId)).Select(p => new TableTransactionAction(TableTransactionActionType.UpsertReplace, MeetingIndex.ToPack(bucket, p.Key, p))), CancellationToken.None);
        await table.UpsertEntityAsync(MeetingIndex.ToPack(bucket, MeetingIndex.DeltaRowKey, [Entry(7, "Proposal")]));

        var read = await MeetingIndex.ReadBucketAsync(Index, bucket, CancellationToken.None);
        Assert.True(read.HasRowsFromBefore);
        Assert.Contains(bucket, (await MeetingIndex.ReadTableAsync(Index.Table, CancellationToken.None)).HoldRowsFromBefore);
        Assert.True((await MeetingIndex.ReadBucketAsync(Index, bucket, await MeetingIndex.ReadTableAsync(Index.Table, CancellationToken.None), CancellationToken.None)).HasRowsFromBefore);
        Assert.Equal("Proposal", MeetingIndex.EntriesOf(read).Single(e => e.MeetingId == Entry(7).MeetingId).FurthestStage);
        Assert.Equal(old.Length, MeetingIndex.EntriesOf(read).Count);

        await MeetingIndex.WriteAsync(Index, bucket, [Entry(9, "Closed Won")], CancellationToken.None, rowsFromBefore: true);

        var moved = await MeetingIndex.ReadBucketAsync(Index, bucket, CancellationToken.None);
        Assert.Empty(moved.Rows);
        Assert.DoesNotContain(bucket, (await MeetingIndex.ReadTableAsync(Index.Table, CancellationToken.None)).HoldRowsFromBefore);
        Assert.Equal(
            old.Select(e => e.MeetingId == Entry(7).MeetingId ? Entry(7, "Proposal") : e.MeetingId == Entry(9).MeetingId ? Entry(9, "Closed Won") : e),
            MeetingIndex.EntriesOf(moved).OrderBy(e => e.MeetingId, StringComparer.Ordinal));

        // A writer holding the blob as it was before cannot overwrite what was written since.
        var stale = moved.BlobETag!.Value;
        await MeetingIndex.WriteAsync(Index, bucket, [.. Enumerable.Range(1_000, MeetingIndex.DeltaLimit + 1).Select(i => Entry(i))], CancellationToken.None);
        var overwrite = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => Index.BlobOf(bucket).UploadAsync(
            BinaryData.FromString("stale"), new Azure.Storage.Blobs.Models.BlobUploadOptions { Conditions = new Azure.Storage.Blobs.Models.BlobRequestConditions { IfMatch = stale } }));
        Assert.Equal(412, overwrite.Status);
        Assert.Equal(old.Length + MeetingIndex.DeltaLimit + 1, MeetingIndex.EntriesOf(await MeetingIndex.ReadBucketAsync(Index, bucket, CancellationToken.None)).Count);
    }

    [Fact]
    public void A_pack_reads_back_every_entry_and_field_and_packs_written_as_gzipped_json_or_as_text_before_still_read()
    {
        var entries = Enumerable.Range(0, 2_000)
            .Select(i => new MeetingIndexEntry(
                $"T-PK-{i:D5}",
                $"2027-{i % 12 + 1:D2}|it-index-pack-with-a-long-sdr-id",
                i % 3 == 0 ? null : "Proposal",
                i % 5 == 0 ? null : DateTimeOffset.UnixEpoch.AddDays(i).AddTicks(i).ToOffset(TimeSpan.FromMinutes(i % 3 * 330 - 300)),
                i % 7 == 0 ? null : $"it/index/exports/{i % 4}\"quoted\" é.csv",
                new string('a', 16),
                i % 2 == 0 ? null : $"{i:x32}"))
            .ToArray();

        var pack = MeetingIndex.ToPack("b00", "p00", entries.Reverse());
        Assert.Equal(entries, MeetingIndex.EntriesOf(pack));
        Assert.Equal(entries.Select(e => e.LastModifiedAt?.Offset), MeetingIndex.EntriesOf(pack).Select(e => e.LastModifiedAt?.Offset)); // equality compares instants only

        // What packs held before their binary layout: the JSON gzipped, nulls left out.
        var json = new TableEntity("b00", "p00") { ["Count"] = entries.Length };
        GzipJson.Set(json, (Stream stream) => JsonSerializer.Serialize(stream, entries, new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull }), "a pack");
        Assert.Equal(entries, MeetingIndex.EntriesOf(json));

        // And before that: the JSON as text, nulls written, cut into string properties.
        var before = new TableEntity("b00", "p00") { ["Count"] = entries.Length };
        PackedJson.Set(before, JsonSerializer.Serialize(entries, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        Assert.True(before.Keys.Count(PackedJson.IsChunk) > 1);
        Assert.Equal(entries, MeetingIndex.EntriesOf(before));
    }

    [Fact]
    public void A_buckets_entries_are_found_by_the_ids_characters_and_the_records_hash_the_newest_row_standing_and_made_whole_as_written()
    {
        static byte[] RecordHash(int i) => [.. Enumerable.Range(0, 16).Select(b => (byte)(i * 31 + b))];
        var packed = Enumerable.Range(0, 3_000)
            .Select(i => new MeetingIndexEntry(
                $"T-CE-{i:D5}", $"2027-{i % 3 + 9:D2}|it-compact", i % 4 == 0 ? null : "Discovery",
                i % 5 == 0 ? null : DateTimeOffset.UnixEpoch.AddMinutes(i), i % 6 == 0 ? null : "it/compact.csv",
                $"content-{i}", i % 7 == 0 ? null : Convert.ToHexStringLower(RecordHash(i))))
            .ToArray();
        var changed = packed[5] with { FurthestStage = "Proposal", RawHash = Convert.ToHexStringLower(RecordHash(99_999)) };
        var entries = new IndexEntries(new TextPool());

        // Newest first, as a bucket is read: the delta's entry of T-CE-00005 stands over its pack's.
        MeetingIndex.AddEntries(MeetingIndex.ToPack("b00", MeetingIndex.DeltaRowKey, [changed]), entries);
        MeetingIndex.AddEntries(MeetingIndex.ToPack("b00", "p00", packed), entries);

        Assert.Equal(packed.Length, entries.Count);
        var five = entries.Find("T-CE-00005");
        Assert.Equal(changed, entries.Entry(five));
        Assert.True(entries.RawHashIs(five, RecordHash(99_999)));
        Assert.False(entries.RawHashIs(five, RecordHash(5)));
        Assert.False(entries.RawHashIs(entries.Find("T-CE-00007"), RecordHash(7))); // no record hash kept
        Assert.True(entries.RawHashIs(entries.Find("T-CE-00008"), RecordHash(8)));
        Assert.Equal(-1, entries.Find("T-CE-03000"));
        Assert.Equal(-1, entries.Find("T-CE-0000"));
        Assert.Equal(-1, entries.Find(""));
        Assert.Equal(
            [changed, .. packed.Where(e => e.MeetingId != changed.MeetingId)],
            Enumerable.Range(0, entries.Count).Select(entries.Entry).OrderBy(e => e.MeetingId == changed.MeetingId ? 0 : 1).ThenBy(e => e.MeetingId, StringComparer.Ordinal));
        Assert.Equal(["2027-09|it-compact", "2027-10|it-compact", "2027-11|it-compact"], Enumerable.Range(0, entries.Count).Select(entries.PartitionOf).Distinct().Order());

        // A second record of the same meeting is told apart from the first.
        Assert.True(entries.MarkSeen(five));
        Assert.False(entries.MarkSeen(five));

        // Emptied for the next bucket: nothing of this one is found, and what is added next is.
        entries.Clear();
        Assert.Equal((0, -1), (entries.Count, entries.Find("T-CE-00005")));
        MeetingIndex.AddEntries(MeetingIndex.ToPack("b01", "p00", [packed[8]]), entries);
        Assert.Equal(packed[8], entries.Entry(entries.Find("T-CE-00008")));
        Assert.True(entries.MarkSeen(entries.Find("T-CE-00008")));
    }
}
