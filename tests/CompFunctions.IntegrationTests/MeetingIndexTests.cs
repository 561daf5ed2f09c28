using System.Net.Http.Json;
using Azure.Data.Tables;
using CompFunctions.Pipeline.Http;
using CompFunctions.Pipeline.Storage;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>The meeting index keeps many meetings per row; rows from before that are still read and then folded in. (SDR it-index, December 2027.)</summary>
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
    public void A_pack_longer_than_one_table_property_reads_back_every_entry()
    {
        var entries = Enumerable.Range(0, 2_000)
            .Select(i => new MeetingIndexEntry($"T-PK-{i:D5}", "2027-12|it-index-pack-with-a-long-sdr-id", "Proposal", DateTimeOffset.UnixEpoch.AddDays(i), $"it/index/exports/{i}.csv", new string('a', 16)))
            .ToArray();

        var pack = MeetingIndex.ToPack("b00", "p00", entries.Reverse());

        Assert.True(pack.Keys.Count(PackedJson.IsChunk) > 1);
        Assert.All(pack.Select(p => p.Value).OfType<string>(), v => Assert.True(v.Length <= 32_000));
        Assert.Equal(entries, MeetingIndex.EntriesOf(pack));
    }
}
