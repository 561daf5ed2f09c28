using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Counts the storage transactions (HTTP requests, each retry included: each is billed) sent by
/// every Azure SDK client built through this app's client factory, by service. A 100-entity batch
/// is one transaction. Benchmarks read it to report transactions per 1,000 meetings; it costs one
/// interlocked increment per request.
/// </summary>
public sealed class StorageTransactions
{
    private readonly string _blob;
    private readonly string _queue;
    private readonly string _table;
    private long _blobs;
    private long _queues;
    private long _tables;
    private long _other;

    public StorageTransactions(StorageConnection connection)
    {
        _blob = Authority(connection.ConnectionString is { } b ? new BlobServiceClient(b).Uri : connection.BlobServiceUri);
        _queue = Authority(connection.ConnectionString is { } q ? new QueueServiceClient(q).Uri : connection.QueueServiceUri);
        _table = Authority(connection.ConnectionString is { } t ? new TableServiceClient(t).Uri : connection.TableServiceUri);
        Policy = new CountingPolicy(this);
    }

    /// <summary>Add to a client's options at <see cref="HttpPipelinePosition.PerRetry"/>.</summary>
    public HttpPipelinePolicy Policy { get; }

    public StorageTransactionCounts Snapshot() => new(Interlocked.Read(ref _blobs), Interlocked.Read(ref _queues), Interlocked.Read(ref _tables), Interlocked.Read(ref _other));

    private void Count(Uri uri)
    {
        var authority = Authority(uri);
        if (authority == _table)
        {
            Interlocked.Increment(ref _tables);
        }
        else if (authority == _blob)
        {
            Interlocked.Increment(ref _blobs);
        }
        else if (authority == _queue)
        {
            Interlocked.Increment(ref _queues);
        }
        else
        {
            Interlocked.Increment(ref _other);
        }
    }

    private static string Authority(Uri uri) => uri.GetLeftPart(UriPartial.Authority);

    private sealed class CountingPolicy(StorageTransactions counter) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => counter.Count(message.Request.Uri.ToUri());
    }
}

/// <summary>Storage transactions sent so far, by service.</summary>
public readonly record struct StorageTransactionCounts(long Blob, long Queue, long Table, long Other)
{
    public long Total => Blob + Queue + Table + Other;

    public static StorageTransactionCounts operator -(StorageTransactionCounts a, StorageTransactionCounts b) =>
        new(a.Blob - b.Blob, a.Queue - b.Queue, a.Table - b.Table, a.Other - b.Other);

    public override string ToString() => $"{Total:N0} (table {Table:N0}, blob {Blob:N0}, queue {Queue:N0})";
}
