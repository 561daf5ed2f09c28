using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;
using CompFunctions.Pipeline.Http;
using CompFunctions.Pipeline.Storage;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>The meeting index keeps many meetings per row, and a night's changes in a delta row per bucket; rows from before packs are still read and then folded in. (SDR it-index, December 2027.)</summary>
[Collection(PipelineCollection.Name)]
public sealed class MeetingIndexTests(PipelineFixture pipeline)
{
    [Fact]
    public async Task An_index_row_from_before_packs_is_read_then_folded_into_its_pack_when_its_bucket_is_next_written()
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
        Assert.False((await index.GetEntityIfExistsAsync<TableEntity>(bucket, meetingId)).HasValue);
        var pack = (await index.GetEntityAsync<TableEntity>(bucket, MeetingIndex.PackOf(meetingId))).Value;
        var entry = Assert.Single(MeetingIndex.EntriesOf(pack), e => e.MeetingId == meetingId);
        Assert.Equal(("2027-12|it-index", "Negotiation", "it/index/night.csv"), (entry.Partition, entry.FurthestStage, entry.Export));
        var meeting = await pipeline.Http.GetFromJsonAsync<MeetingDocument>($"/api/meetings/{meetingId}", StatementDocument.Json);
        Assert.Equal("it-index", meeting!.SdrId);
    }

    [Fact]
    public async Task A_nights_changes_go_into_the_buckets_delta_until_it_is_full_then_fold_into_the_packs()
    {
        var index = pipeline.Tables.GetTableClient(Tables.MeetingIndex);
        const string bucket = "it-delta"; // not one of the 64 buckets: no other test's meetings
        static MeetingIndexEntry Entry(int i, string stage = "Discovery") => new($"T-DX-{i:D5}", "2027-11|it-delta", stage, Export: "it/delta.csv", ContentHash: $"h{i}");

        await MeetingIndex.WriteAsync(index, bucket, [Entry(1), Entry(2), Entry(3)], CancellationToken.None);
        await MeetingIndex.WriteAsync(index, bucket, [Entry(2, "Proposal")], CancellationToken.None);

        var rows = await MeetingIndex.ReadBucketAsync(index, bucket, CancellationToken.None);
        var delta = Assert.Single(rows);
        Assert.True(MeetingIndex.IsDelta(delta));
        Assert.Equal([Entry(1), Entry(2, "Proposal"), Entry(3)], MeetingIndex.EntriesOf(delta));

        // One more write than the delta holds: everything goes into the packs, the delta is gone
        // (written as ingestion writes a bucket it found no rows from before packs in: reading the delta first).
        var many = Enumerable.Range(4, MeetingIndex.DeltaLimit).Select(i => Entry(i)).ToArray();
        await MeetingIndex.WriteAsync(index, bucket, many, CancellationToken.None, rowsFromBeforePacks: false);

        rows = await MeetingIndex.ReadBucketAsync(index, bucket, CancellationToken.None);
        Assert.DoesNotContain(rows, MeetingIndex.IsDelta);
        Assert.All(rows, r => Assert.Equal(MeetingIndex.PackOf(MeetingIndex.EntriesOf(r)[0].MeetingId), r.RowKey));
        Assert.Equal(
            [Entry(1), Entry(2, "Proposal"), Entry(3), .. many],
            rows.SelectMany(MeetingIndex.EntriesOf).OrderBy(e => e.MeetingId, StringComparer.Ordinal));

        // The next change goes into a new delta again, and readers take it over the pack's.
        await MeetingIndex.WriteAsync(index, bucket, [Entry(3, "Closed Won")], CancellationToken.None, rowsFromBeforePacks: false);
        rows = await MeetingIndex.ReadBucketAsync(index, bucket, CancellationToken.None);
        var newest = rows.OrderBy(MeetingIndex.Precedence).SelectMany(MeetingIndex.EntriesOf).First(e => e.MeetingId == Entry(3).MeetingId);
        Assert.Equal("Closed Won", newest.FurthestStage);
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
