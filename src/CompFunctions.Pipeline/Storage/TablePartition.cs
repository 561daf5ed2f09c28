using Azure.Data.Tables;

namespace CompFunctions.Pipeline.Storage;

/// <summary>Reads every row of one partition, in row-key order (as the service returns them).</summary>
public static class TablePartition
{
    public static async Task<List<TableEntity>> ReadAsync(TableClient table, string partition, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        return rows;
    }
}
