using System.Net.Http.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Evaluation;
using CompFunctions.Pipeline.Http;
using CompFunctions.Pipeline.Policies;
using CompFunctions.Pipeline.Storage;

namespace CompFunctions.LocalHost;

/// <summary>
/// What the demo command and the integration tests both do around a running host: publish the
/// sample policies, and wait (polling, with a deadline) for a run or a statement to land.
/// </summary>
public static class PipelineWaits
{
    public const string SampleExport = "samples/crm-export-2026-11-26.csv";

    /// <summary>The sample documents the demo and the tests publish: the plan and the ruleset it names.</summary>
    public static IReadOnlyList<string> SamplePolicies { get; } = ["rulesets/icp-2026.json", "plans/sdr-2026.json"];

    /// <summary>Drops each sample policy document into <c>comp-config</c> and waits until the pipeline has accepted it.</summary>
    public static async Task<IReadOnlyList<PolicyDocumentReport>> PublishSamplePoliciesAsync(BlobServiceClient blobs, string root, TimeSpan deadline)
    {
        var reports = new List<PolicyDocumentReport>();
        foreach (var name in SamplePolicies)
        {
            var report = await PublishPolicyAsync(blobs, name, await File.ReadAllTextAsync(Path.Combine(root, "samples", "comp-config", name)), deadline);
            if (report.Status == PolicyDocumentStatus.Rejected)
            {
                throw new InvalidOperationException($"The sample {name} was rejected: {string.Join("; ", report.Problems)}");
            }

            reports.Add(report);
        }

        return reports;
    }

    /// <summary>Drops one policy document into <c>comp-config</c> and returns the pipeline's report on it.</summary>
    public static async Task<PolicyDocumentReport> PublishPolicyAsync(BlobServiceClient blobs, string name, string json, TimeSpan deadline)
    {
        var uploaded = await BlobDrops.DropAsync(blobs.GetBlobContainerClient(Bindings.ConfigContainer), name, BinaryData.FromString(json));
        var report = blobs.GetBlobContainerClient(Bindings.ConfigReportsContainer).GetBlobClient(PolicyDocumentReport.BlobName(name, RunIds.Of(name, uploaded.ETag)));
        await Until(async () => (await report.ExistsAsync()).Value, $"the report on {Bindings.ConfigContainer}/{name}", deadline);
        return (await report.DownloadContentAsync()).Value.Content.ToObjectFromJson<PolicyDocumentReport>(new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
    }

    /// <summary>
    /// Waits until the run has finished and every SDR period it queued has been evaluated (an
    /// evaluation records itself only once its lines are written): from then on its statements
    /// are what this export says.
    /// </summary>
    public static async Task<RunRecord> ForRunAsync(RunStore runs, TableServiceClient tables, string runId, TimeSpan deadline) =>
        await ForEvaluationsAsync(tables, await ForRunFinishedAsync(runs, runId, deadline), deadline);

    /// <summary>Waits until the run's ingestion has finished (its SDR periods are queued, maybe not yet evaluated).</summary>
    public static async Task<RunRecord> ForRunFinishedAsync(RunStore runs, string runId, TimeSpan deadline)
    {
        RunRecord? run = null;
        await Until(async () => (run = await runs.GetAsync(runId, CancellationToken.None)) is { Status: not RunStatus.Running }, $"run {runId} to finish", deadline);
        return run!;
    }

    /// <summary>Waits until every SDR period the finished run queued has recorded its evaluation.</summary>
    public static async Task<RunRecord> ForEvaluationsAsync(TableServiceClient tables, RunRecord run, TimeSpan deadline)
    {
        if (run.SdrPeriodsQueued > 0)
        {
            var evaluations = tables.GetTableClient(Tables.Evaluations);
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {SdrPeriodEvaluation.AuditPartition(run.RunId)}");
            await Until(async () =>
            {
                var evaluated = 0;
                await foreach (var _ in evaluations.QueryAsync<TableEntity>(filter, select: ["RowKey"]))
                {
                    evaluated++;
                }

                return evaluated >= run.SdrPeriodsQueued;
            }, $"the {run.SdrPeriodsQueued} SDR periods run {run.RunId} queued to be evaluated", deadline);
        }

        return run;
    }

    /// <summary>Waits until the statement can be read (once <see cref="ForRunAsync"/> returned, it is the run's).</summary>
    public static async Task<StatementDocument> ForStatementAsync(HttpClient http, string period, string sdrId, TimeSpan deadline)
    {
        StatementDocument? statement = null;
        await Until(async () =>
        {
            using var response = await http.GetAsync($"/api/statements/{period}/{sdrId}");
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            statement = await response.Content.ReadFromJsonAsync<StatementDocument>(StatementDocument.Json);
            return true;
        }, $"the statement {period}/{sdrId}", deadline);
        return statement!;
    }

    public static async Task Until(Func<Task<bool>> condition, string what, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Waited {deadline.TotalSeconds:0} s for {what}; see the host log.");
            }

            await Task.Delay(200);
        }
    }
}
