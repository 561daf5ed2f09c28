using Azure.Data.Tables;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Statements;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Reads a period's meetings and payout lines across all SDRs (read only). Partitions of a period
/// are <c>{period}|{sdrId}</c>, so they sort between <c>{period}|</c> and <c>{period}}</c> ('}' follows '|').
/// </summary>
public sealed class LedgerReader(TableServiceClient tables)
{
    private readonly TableClient _meetings = tables.GetTableClient(Tables.Meetings);
    private readonly TableClient _lines = tables.GetTableClient(Tables.PayoutLines);

    public static (string From, string To) PeriodPartitions(CompPeriod period) => (period + "|", period + "}");

    /// <summary>Every meeting booked in the period, all SDRs.</summary>
    public async Task<List<Meeting>> MeetingsAsync(CompPeriod period, CancellationToken cancellationToken)
    {
        var (from, to) = PeriodPartitions(period);
        var meetings = new List<Meeting>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {to}");
        await foreach (var e in _meetings.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (MeetingPacks.IsPack(e))
            {
                meetings.AddRange(MeetingPacks.FromRow(e));
            }
        }

        return meetings;
    }

    /// <summary>The rows of one statement partition as stored (for a digest), in row-key order.</summary>
    public Task<List<TableEntity>> LineRowsAsync(string partition, CancellationToken cancellationToken) =>
        TablePartition.ReadAsync(_lines, partition, cancellationToken);

    /// <summary>Lines of every partition from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive).</summary>
    public async Task<List<(string Partition, PayoutLine Line)>> LinesAsync(string from, string to, CancellationToken cancellationToken)
    {
        var lines = new List<(string, PayoutLine)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {to}");
        await foreach (var entity in _lines.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            lines.Add((entity.PartitionKey, LineEntities.FromEntity(entity)));
        }

        return lines;
    }

    /// <summary>Every statement of the period, one per SDR with lines, built from the lines as the statement routes build them.</summary>
    public async Task<IReadOnlyList<Statement>> StatementsAsync(CompPeriod period, string status, CancellationToken cancellationToken)
    {
        var (from, to) = PeriodPartitions(period);
        return (await LinesAsync(from, to, cancellationToken).ConfigureAwait(false))
            .GroupBy(l => l.Partition, StringComparer.Ordinal)
            .Select(g => Statement.Create(Tables.SplitSdrPeriodKey(g.Key).SdrId, period, g.First().Line.Amount.Currency, status, default, g.Select(l => l.Line)))
            .OrderBy(s => s.SdrId, StringComparer.Ordinal)
            .ToArray();
    }
}
