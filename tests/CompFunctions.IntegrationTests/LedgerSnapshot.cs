using Azure.Data.Tables;
using CompFunctions.Pipeline.Storage;

namespace CompFunctions.IntegrationTests;

/// <summary>
/// The ETag of every ledger row (statements, meetings, locks) in some SDRs' partitions: equal
/// snapshots before and after a call prove the call rewrote nothing there.
/// </summary>
internal static class LedgerSnapshot
{
    /// <param name="from">First partition key included; <paramref name="to"/> is the first excluded.</param>
    /// <param name="include">Which partitions of the range count (other tests' work may still be landing in theirs).</param>
    public static async Task<SortedDictionary<string, string>> TakeAsync(TableServiceClient tables, string from, string to, Func<string, bool> include)
    {
        var rows = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in new[] { Tables.Statements, Tables.Meetings, Tables.Periods })
        {
            await foreach (var e in tables.GetTableClient(table).QueryAsync<TableEntity>())
            {
                // A statement row is keyed (period, SDR); the others by the partition "{period}|{sdrId}".
                var partition = table == Tables.Statements ? $"{e.PartitionKey}|{e.RowKey}" : e.PartitionKey;
                if (string.CompareOrdinal(partition, from) >= 0 && string.CompareOrdinal(partition, to) < 0 && include(partition))
                {
                    rows[$"{table}/{e.PartitionKey}/{e.RowKey}"] = e.ETag.ToString();
                }
            }
        }

        return rows;
    }
}
