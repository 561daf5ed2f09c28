using Azure;
using Azure.Data.Tables;
using CompFunctions.Core.Periods;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Which comp periods finance has locked (the <c>periods</c> table, one row per locked period).
/// A locked period's lines never change again: later changes become adjustments in the next open period.
/// </summary>
public sealed class PeriodStore(TableServiceClient tables)
{
    private const string Partition = "period";
    private readonly TableClient _table = tables.GetTableClient(Tables.Periods);

    public async Task<IReadOnlySet<CompPeriod>> LockedAsync(CancellationToken cancellationToken)
    {
        var locked = new HashSet<CompPeriod>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            locked.Add(CompPeriod.Parse(e.RowKey));
        }

        return locked;
    }

    public async Task<bool> IsLockedAsync(CompPeriod period, CancellationToken cancellationToken) =>
        (await _table.GetEntityIfExistsAsync<TableEntity>(Partition, period.ToString(), cancellationToken: cancellationToken).ConfigureAwait(false)).HasValue;

    /// <summary>Locks the period; false when it already was (nothing changes then).</summary>
    public async Task<bool> TryLockAsync(CompPeriod period, DateTimeOffset at, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(new TableEntity(Partition, period.ToString()) { ["LockedAt"] = at }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>The first period after <paramref name="period"/> that is not locked: where changes to it are booked.</summary>
    public static CompPeriod FirstOpenAfter(CompPeriod period, IReadOnlySet<CompPeriod> locked)
    {
        var open = period.Next();
        while (locked.Contains(open))
        {
            open = open.Next();
        }

        return open;
    }
}
