using Azure;
using Azure.Data.Tables;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Periods;
using CompFunctions.Pipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CompFunctions.Pipeline.Evaluation;

/// <summary>
/// Evaluates every meeting of one (SDR, period) against the plan and its ruleset and makes the
/// period's payout lines exactly what the evaluation says: upserts every line (deterministic keys,
/// so a duplicate or retried message rewrites the same rows and never pays twice) and removes lines
/// that no longer apply.
/// </summary>
public sealed class SdrPeriodEvaluation(
    TableServiceClient tables,
    PolicyStore policies,
    EvaluationContext context,
    IOptions<CompensationOptions> options,
    ILogger<SdrPeriodEvaluation> logger)
{
    private readonly TableClient _meetings = tables.GetTableClient(Tables.Meetings);
    private readonly TableClient _lines = tables.GetTableClient(Tables.PayoutLines);

    /// <summary>Handles one queue message. A malformed message is logged and dropped (retrying cannot fix it).</summary>
    public async Task HandleAsync(string message, CancellationToken cancellationToken)
    {
        if (!EvaluationRequest.TryParse(message, out var request, out var period, out var problem))
        {
            logger.BadEvaluationMessage(problem!);
            return;
        }

        await EvaluateAsync(request!.SdrId, period, cancellationToken).ConfigureAwait(false);
    }

    public async Task EvaluateAsync(string sdrId, CompPeriod period, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SdrId"] = sdrId, ["Period"] = period.ToString() });
        var (plan, ruleset) = await policies.LoadAsync(options.Value.PlanId, context, cancellationToken).ConfigureAwait(false);
        var evaluator = new MeetingEvaluator(ruleset, plan, context);
        var partition = Tables.SdrPeriodKey(period, sdrId);

        var meetings = 0;
        var writes = new List<TableTransactionAction>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (var entity in _meetings.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            meetings++;
            var evaluation = evaluator.Evaluate(MeetingEntities.FromEntity(entity));
            writes.AddRange(evaluation.Lines.Select(line =>
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, LineEntities.ToEntity(line, partition))));
        }

        var current = writes.Select(w => w.Entity.RowKey).ToHashSet(StringComparer.Ordinal);
        var stale = new List<TableTransactionAction>();
        await foreach (var existing in _lines.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!current.Contains(existing.RowKey))
            {
                stale.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, existing.RowKey), ETag.All));
            }
        }

        await TableBatches.SubmitAsync(_lines, writes.Concat(stale), cancellationToken).ConfigureAwait(false);
        logger.Evaluated(sdrId, period.ToString(), meetings, writes.Count, stale.Count);
    }
}
