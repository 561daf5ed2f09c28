using Azure;
using Azure.Data.Tables;

namespace CompFunctions.Pipeline.Storage;

/// <summary>Makes one partition of a table hold exactly the given rows: upserts them all, deletes the others.</summary>
public static class PartitionSync
{
    /// <param name="owns">Which existing rows this sync is responsible for (others in the partition are left alone); all by default.</param>
    /// <returns>How many stale rows were deleted.</returns>
    public static async Task<int> ReplaceAsync(TableClient table, string partition, IReadOnlyCollection<TableEntity> rows, CancellationToken cancellationToken, Func<string, bool>? owns = null)
    {
        var keep = rows.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
        var stale = new List<TableTransactionAction>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (var existing in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!keep.Contains(existing.RowKey) && (owns is null || owns(existing.RowKey)))
            {
                stale.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, existing.RowKey), ETag.All));
            }
        }

        var upserts = rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r));
        await TableBatches.SubmitAsync(table, upserts.Concat(stale), cancellationToken).ConfigureAwait(false);
        return stale.Count;
    }
}
