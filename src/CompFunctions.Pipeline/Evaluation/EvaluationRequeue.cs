using Azure.Data.Tables;
using Azure.Storage.Queues;
using CompFunctions.Pipeline.Storage;

namespace CompFunctions.Pipeline.Evaluation;

/// <summary>Queues the evaluation of every (SDR, period) that has meetings in a range of periods (a message per SDR, see <see cref="EvaluationRequest"/>).</summary>
public sealed class EvaluationRequeue(TableServiceClient tables, QueueServiceClient queues)
{
    private readonly TableClient _meetings = tables.GetTableClient(Tables.Meetings);
    private readonly QueueClient _queue = queues.GetQueueClient(Bindings.EvaluationQueue);

    /// <param name="from">First partition key prefix included, e.g. <c>2026-11|</c>.</param>
    /// <param name="to">First partition key prefix excluded, or null for no end.</param>
    public async Task<IReadOnlyList<string>> RequeueAsync(string from, string? to, string reason, CancellationToken cancellationToken)
    {
        var partitions = new SortedSet<string>(StringComparer.Ordinal);
        var filter = to is null
            ? TableClient.CreateQueryFilter($"PartitionKey ge {from}")
            : TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {to}");
        await foreach (var e in _meetings.QueryAsync<TableEntity>(filter, select: ["PartitionKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            partitions.Add(e.PartitionKey);
        }

        foreach (var request in EvaluationRequest.For(partitions, reason))
        {
            await _queue.SendMessageAsync(request.ToJson(), cancellationToken).ConfigureAwait(false);
        }

        return [.. partitions];
    }
}
