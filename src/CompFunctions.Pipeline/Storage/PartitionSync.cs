using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace CompFunctions.Pipeline.Storage;

/// <summary>How a partition sync went: rows written (new or different), rows already as wanted, stale rows deleted.</summary>
public readonly record struct SyncResult(int Written, int Unchanged, int Removed);

/// <summary>
/// Makes one partition of a table hold exactly the given rows: writes those that are new or
/// differ from what is stored, deletes the others, and leaves identical rows alone — so an
/// evaluation whose result did not change costs one read and no write.
/// </summary>
public static class PartitionSync
{
    /// <param name="owns">Which existing rows this sync is responsible for (others in the partition are left alone); all by default.</param>
    public static async Task<SyncResult> ReplaceAsync(TableClient table, string partition, IReadOnlyCollection<TableEntity> rows, CancellationToken cancellationToken, Func<string, bool>? owns = null)
    {
        var wanted = rows.ToDictionary(r => r.RowKey, StringComparer.Ordinal);
        var actions = new List<TableTransactionAction>();
        var unchanged = 0;
        var removed = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (var existing in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (wanted.Remove(existing.RowKey, out var row))
            {
                if (SameProperties(existing, row))
                {
                    unchanged++;
                }
                else
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
                }
            }
            else if (owns is null || owns(existing.RowKey))
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, existing.RowKey), ETag.All));
                removed++;
            }
        }

        actions.AddRange(wanted.Values.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)));
        await TableBatches.SubmitAsync(table, actions, cancellationToken).ConfigureAwait(false);
        return new SyncResult(actions.Count - removed, unchanged, removed);
    }

    /// <summary>
    /// Whether a stored row already holds what would be written. Compared as the service returns
    /// values: instants by their UTC ticks, numbers and booleans by invariant text, an absent
    /// property as null (the service does not store nulls).
    /// </summary>
    public static bool SameProperties(TableEntity stored, TableEntity wanted)
    {
        static bool IsSystem(string key) => key is "PartitionKey" or "RowKey" or "odata.etag" or "Timestamp";
        static string? Normal(object? value) => value switch
        {
            null => null,
            DateTimeOffset d => d.UtcTicks.ToString(CultureInfo.InvariantCulture),
            DateTime d => d.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };

        var keys = stored.Keys.Concat(wanted.Keys).Where(k => !IsSystem(k)).Distinct(StringComparer.Ordinal);
        return keys.All(k => Normal(stored.TryGetValue(k, out var s) ? s : null) == Normal(wanted.TryGetValue(k, out var w) ? w : null));
    }
}
