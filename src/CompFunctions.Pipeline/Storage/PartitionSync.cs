using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// How a partition sync went: rows written (new or different), rows already as wanted, stale rows
/// deleted, and every row the partition holds afterwards (in row-key order), so a caller can
/// summarise the partition without reading it again.
/// </summary>
public readonly record struct SyncResult(int Written, int Unchanged, int Removed, IReadOnlyList<TableEntity> Rows);

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
        var after = new SortedDictionary<string, TableEntity>(StringComparer.Ordinal);
        var actions = new List<TableTransactionAction>();
        var unchanged = 0;
        var removed = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (var existing in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (wanted.Remove(existing.RowKey, out var row))
            {
                after[row.RowKey] = row;
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
            else
            {
                after[existing.RowKey] = existing;
            }
        }

        foreach (var row in wanted.Values)
        {
            after[row.RowKey] = row;
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
        }

        await TableBatches.SubmitAsync(table, actions, cancellationToken).ConfigureAwait(false);
        return new SyncResult(actions.Count - removed, unchanged, removed, after.Values.ToArray());
    }

    /// <summary>
    /// Whether a stored row already holds what would be written. Compared as the service returns
    /// values: instants by their UTC ticks, numbers and booleans by invariant text, an absent
    /// property as null (the service does not store nulls).
    /// </summary>
    public static bool SameProperties(TableEntity stored, TableEntity wanted)
    {
        var keys = stored.Keys.Concat(wanted.Keys).Where(k => !IsSystem(k)).Distinct(StringComparer.Ordinal);
        return keys.All(k => Canonical(stored.TryGetValue(k, out var s) ? s : null) == Canonical(wanted.TryGetValue(k, out var w) ? w : null));
    }

    /// <summary>The properties a row holds as data (not the keys, ETag or timestamp the service adds).</summary>
    public static bool IsSystem(string key) => key is "PartitionKey" or "RowKey" or "odata.etag" or "Timestamp";

    /// <summary>A property value as text that is the same whether the row was built here or read back from the service.</summary>
    public static string? Canonical(object? value) => value switch
    {
        null => null,
        DateTimeOffset d => d.UtcTicks.ToString(CultureInfo.InvariantCulture),
        DateTime d => d.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
