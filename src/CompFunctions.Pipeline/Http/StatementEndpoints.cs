using Azure.Data.Tables;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Statements;
using CompFunctions.Pipeline.Storage;
using Microsoft.AspNetCore.Http;

namespace CompFunctions.Pipeline.Http;

/// <summary>
/// <c>GET /api/statements/{period}/{sdrId}</c>: the statement built from the payout lines in
/// Table Storage. Both hosts route the request here unchanged.
/// </summary>
public sealed class StatementEndpoints(TableServiceClient tables, TimeProvider clock)
{
    private readonly TableClient _lines = tables.GetTableClient(Tables.PayoutLines);

    public async Task<IResult> GetStatementAsync(string period, string sdrId, CancellationToken cancellationToken)
    {
        if (!CompPeriod.TryParse(period, out var compPeriod))
        {
            return Problems.BadRequest("Malformed period", $"Period '{period}' is not a month in the form YYYY-MM (e.g. 2026-11).");
        }

        if (!Identifier.IsValid(sdrId))
        {
            return Problems.BadRequest("Malformed SDR id", $"SDR id '{sdrId}' {Identifier.Describe(sdrId)}.");
        }

        var statement = await LoadAsync(compPeriod, sdrId, cancellationToken).ConfigureAwait(false);
        return statement is null
            ? Problems.NotFound("No statement", $"There is no statement for {sdrId} in {compPeriod}: no meeting of theirs was booked in that period.")
            : Results.Json(StatementDocument.From(statement), StatementDocument.Json, statusCode: StatusCodes.Status200OK);
    }

    public async Task<Statement?> LoadAsync(CompPeriod period, string sdrId, CancellationToken cancellationToken)
    {
        var partition = Tables.SdrPeriodKey(period, sdrId);
        var lines = new List<PayoutLine>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (var entity in _lines.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            lines.Add(LineEntities.FromEntity(entity));
        }

        if (lines.Count == 0)
        {
            return null;
        }

        var currency = lines[0].Amount.Currency;
        return Statement.Create(sdrId, period, currency, Statement.Open, clock.GetUtcNow(), lines);
    }
}
