using System.Runtime.CompilerServices;
using Azure.Data.Tables;

namespace CompFunctions.Pipeline.Storage;

/// <summary>Reads rows a partition at a time, in row-key order (as the service returns them).</summary>
public static class TablePartition
{
    /// <summary>Every row of one partition.</summary>
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

    /// <summary>
    /// Every row of the table that <paramref name="include"/> accepts, grouped by partition (the
    /// service returns rows in partition order), holding one partition in memory at a time.
    /// </summary>
    public static async IAsyncEnumerable<(string Partition, List<TableEntity> Rows)> EachAsync(
        TableClient table, Func<TableEntity, bool> include, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!include(row))
            {
                continue;
            }

            if (rows.Count > 0 && rows[0].PartitionKey != row.PartitionKey)
            {
                yield return (rows[0].PartitionKey, rows);
                rows = [];
            }

            rows.Add(row);
        }

        if (rows.Count > 0)
        {
            yield return (rows[0].PartitionKey, rows);
        }
    }
}
