using Azure.Data.Tables;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Submits table actions as entity-group transactions: at most 100 actions each, all in one
/// partition. Azure rejects a batch that mixes partitions (Azurite does not), so this is checked
/// here rather than discovered in production.
/// </summary>
public static class TableBatches
{
    public const int MaxActions = 100;

    public static async Task SubmitAsync(TableClient table, IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        foreach (var partition in actions.GroupBy(a => a.Entity.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(MaxActions))
            {
                EnsureOnePartition(chunk);
                await table.SubmitTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    internal static void EnsureOnePartition(IReadOnlyCollection<TableTransactionAction> chunk)
    {
        var partitions = chunk.Select(a => a.Entity.PartitionKey).Distinct(StringComparer.Ordinal).Count();
        if (partitions > 1 || chunk.Count > MaxActions)
        {
            throw new InvalidOperationException($"A table transaction must hold at most {MaxActions} actions of one partition; this one has {chunk.Count} actions in {partitions} partitions.");
        }
    }
}
