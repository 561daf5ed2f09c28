using Azure.Data.Tables;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Statements;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Reads a period's meetings and statements across all SDRs (read only). Partitions of a period
/// are <c>{period}|{sdrId}</c>, so they sort between <c>{period}|</c> and <c>{period}}</c> ('}' follows '|').
/// </summary>
public sealed class LedgerReader(TableServiceClient tables, StatementStore statements)
{
    private readonly TableClient _meetings = tables.GetTableClient(Tables.Meetings);

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

    /// <summary>Every statement of the period with lines, built from its lines as the statement routes build them.</summary>
    public async Task<IReadOnlyList<Statement>> StatementsAsync(CompPeriod period, string status, CancellationToken cancellationToken) =>
        (await statements.ReadPeriodAsync(period, cancellationToken).ConfigureAwait(false))
            .Select(s => (s.Summary.SdrId, Lines: s.AllLines()))
            .Select(s => Statement.Create(s.SdrId, period, s.Lines[0].Amount.Currency, status, default, s.Lines))
            .ToArray();
}
