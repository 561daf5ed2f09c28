using Azure;
using Azure.Data.Tables;

namespace CompFunctions.Pipeline.Storage;

public static class RunStatus
{
    public const string Running = "running";

    /// <summary>Every row applied.</summary>
    public const string Completed = "completed";

    /// <summary>Good rows applied; some rows quarantined (see the report).</summary>
    public const string CompletedWithQuarantine = "completed_with_quarantine";

    /// <summary>Nothing applied: the file itself is unusable (see the report).</summary>
    public const string Rejected = "rejected";
}

/// <summary>One ingestion of one export blob: what was read, applied and quarantined, and where the report is.</summary>
public sealed record RunRecord
{
    public required string RunId { get; init; }
    public required string Export { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public long RowsRead { get; init; }
    public long Accepted { get; init; }
    public long Quarantined { get; init; }
    public long Stale { get; init; }

    /// <summary>Accepted rows that said exactly what the version already applied says: nothing written, nothing re-evaluated.</summary>
    public long Unchanged { get; init; }
    public string? ContentSha256 { get; init; }
    public int SdrPeriodsQueued { get; init; }
    public string? Error { get; init; }
    public string? Report { get; init; }
}

/// <summary>The <c>runs</c> table.</summary>
public sealed class RunStore(TableServiceClient tables)
{
    private const string Partition = "run";
    private readonly TableClient _table = tables.GetTableClient(Tables.Runs);

    public Task SaveAsync(RunRecord run, CancellationToken cancellationToken) =>
        _table.UpsertEntityAsync(new TableEntity(Partition, run.RunId)
        {
            ["Export"] = run.Export,
            ["Status"] = run.Status,
            ["StartedAt"] = run.StartedAt,
            ["FinishedAt"] = run.FinishedAt,
            ["RowsRead"] = run.RowsRead,
            ["Accepted"] = run.Accepted,
            ["Quarantined"] = run.Quarantined,
            ["Stale"] = run.Stale,
            ["Unchanged"] = run.Unchanged,
            ["ContentSha256"] = run.ContentSha256,
            ["SdrPeriodsQueued"] = run.SdrPeriodsQueued,
            ["Error"] = run.Error,
            ["Report"] = run.Report,
        }, TableUpdateMode.Replace, cancellationToken);

    public async Task<RunRecord?> GetAsync(string runId, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, runId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? FromEntity(found.Value!) : null;
    }

    /// <summary>Runs that started at or after <paramref name="since"/>, newest first.</summary>
    public async Task<IReadOnlyList<RunRecord>> StartedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and StartedAt ge {since}");
        var runs = new List<RunRecord>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            runs.Add(FromEntity(entity));
        }

        return runs.OrderByDescending(r => r.StartedAt).ToArray();
    }

    /// <summary>A cheap round trip that proves the table service answers.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        await using var pages = _table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken)
            .AsPages().GetAsyncEnumerator(cancellationToken);
        await pages.MoveNextAsync().ConfigureAwait(false);
    }

    private static RunRecord FromEntity(TableEntity e) => new()
    {
        RunId = e.RowKey,
        Export = e.GetString("Export"),
        Status = e.GetString("Status"),
        StartedAt = e.GetDateTimeOffset("StartedAt") ?? DateTimeOffset.MinValue,
        FinishedAt = e.GetDateTimeOffset("FinishedAt"),
        RowsRead = e.GetInt64("RowsRead") ?? 0,
        Accepted = e.GetInt64("Accepted") ?? 0,
        Quarantined = e.GetInt64("Quarantined") ?? 0,
        Stale = e.GetInt64("Stale") ?? 0,
        Unchanged = e.GetInt64("Unchanged") ?? 0,
        ContentSha256 = e.GetString("ContentSha256"),
        SdrPeriodsQueued = e.GetInt32("SdrPeriodsQueued") ?? 0,
        Error = e.GetString("Error"),
        Report = e.GetString("Report"),
    };
}
