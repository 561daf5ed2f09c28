using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Tables earlier versions wrote and this one only reads once, to move their rows into the current
/// layout (<see cref="StatementStore.MoveRowsFromBeforeDocumentsAsync"/>); a store that never had
/// them has nothing to move.
/// </summary>
public static class LegacyTables
{
    /// <summary>A row per payout line. PartitionKey <c>{period}|{sdrId}</c>, RowKey the line id.</summary>
    public const string PayoutLines = "payoutlines";

    /// <summary>A row per verdict. PartitionKey <c>{period}|{sdrId}</c>, RowKey the meeting id, the verdict as JSON in <c>Json</c>.</summary>
    public const string Verdicts = "verdicts";

    /// <summary>Every row of the table; none when the table does not exist.</summary>
    public static async IAsyncEnumerable<TableEntity> RowsAsync(TableClient table, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await rows.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    yield break;
                }

                yield return rows.Current;
            }
        }
        finally
        {
            await rows.DisposeAsync().ConfigureAwait(false);
        }
    }
}
