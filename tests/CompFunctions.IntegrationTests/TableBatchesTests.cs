using Azure.Data.Tables;
using CompFunctions.Pipeline.Storage;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>Entity-group transactions stay under the service's request limit however big the rows (index and history packs grow with the export).</summary>
[Collection(PipelineCollection.Name)]
public sealed class TableBatchesTests(PipelineFixture pipeline)
{
    [Fact]
    public async Task Rows_too_big_for_one_request_are_written_in_several_batches_and_all_land()
    {
        var table = pipeline.Tables.GetTableClient(Tables.MeetingHistory);
        const string partition = "it-batches";
        // 60 rows of 90,000 characters: 5.4 MB of text, more than one request may carry (4 MiB).
        var rows = Enumerable.Range(0, 60).Select(i => new TableEntity(partition, $"row-{i:D2}") { ["Text"] = new string((char)('a' + i % 26), 30_000), ["More"] = new string('x', 30_000), ["Rest"] = new string('y', 30_000) }).ToArray();

        var chunks = TableBatches.Chunks(rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r))).ToArray();
        await TableBatches.SubmitAsync(table, rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), CancellationToken.None);

        Assert.True(chunks.Length > 1);
        Assert.All(chunks, c => Assert.True(c.Sum(a => TableBatches.EstimatedBytes(a.Entity)) <= TableBatches.MaxBytes));
        Assert.Equal(rows.Select(r => r.RowKey), chunks.SelectMany(c => c).Select(a => a.Entity.RowKey));
        var stored = await table.QueryAsync<TableEntity>(e => e.PartitionKey == partition).ToListAsync();
        Assert.Equal(rows.Select(r => (r.RowKey, r.GetString("Text"))), stored.Select(r => (r.RowKey, r.GetString("Text"))));
        await TableBatches.SubmitAsync(table, rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r)), CancellationToken.None);
    }
}
