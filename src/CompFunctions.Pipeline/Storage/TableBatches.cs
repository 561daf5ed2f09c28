using Azure.Data.Tables;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Submits table actions as entity-group transactions: at most 100 actions each, all in one
/// partition, and under Azure's 4 MiB request limit (estimated from the entities' properties, with
/// a margin for the request's encoding). Azure rejects a batch that mixes partitions (Azurite does
/// not), so this is checked here rather than discovered in production.
/// </summary>
public static class TableBatches
{
    public const int MaxActions = 100;

    /// <summary>What one batch's entities may add up to, as <see cref="EstimatedBytes"/> counts them (the service's limit is 4 MiB for the whole request).</summary>
    public const long MaxBytes = 3 * 1024 * 1024;

    public static async Task SubmitAsync(TableClient table, IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        foreach (var partition in actions.GroupBy(a => a.Entity.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in Chunks(partition))
            {
                EnsureOnePartition(chunk);
                await table.SubmitTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Consecutive runs of at most <see cref="MaxActions"/> actions and <see cref="MaxBytes"/> (an action bigger than that goes alone).</summary>
    public static IEnumerable<List<TableTransactionAction>> Chunks(IEnumerable<TableTransactionAction> actions)
    {
        var chunk = new List<TableTransactionAction>();
        long bytes = 0;
        foreach (var action in actions)
        {
            var size = EstimatedBytes(action.Entity);
            if (chunk.Count > 0 && (chunk.Count == MaxActions || bytes + size > MaxBytes))
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }

            chunk.Add(action);
            bytes += size;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    /// <summary>
    /// An entity's size in a request, generously: text as if every character took two bytes once
    /// escaped, binary as base64, every property with its name and some framing.
    /// </summary>
    public static long EstimatedBytes(ITableEntity entity)
    {
        long bytes = 256 + 2L * (entity.PartitionKey.Length + entity.RowKey.Length);
        if (entity is IDictionary<string, object> properties)
        {
            foreach (var (name, value) in properties)
            {
                bytes += 64 + name.Length + value switch
                {
                    string text => 2L * text.Length,
                    byte[] data => (data.Length + 2L) / 3 * 4,
                    BinaryData data => (data.ToMemory().Length + 2L) / 3 * 4,
                    _ => 32,
                };
            }
        }

        return bytes;
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
