using System.Net.Http.Json;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Plans;
using CompFunctions.Core.Qualification;
using CompFunctions.Pipeline.Http;
using CompFunctions.Pipeline.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CompFunctions.LocalHost;

/// <summary>
/// What the demo command and the integration tests both do around a running host: publish the
/// sample policies, and wait (polling, with a deadline) for a run or a statement to land.
/// </summary>
public static class PipelineWaits
{
    public const string SampleExport = "samples/crm-export-2026-11-26.csv";

    public static async Task<(Ruleset Ruleset, CompPlan Plan)> PublishSamplePoliciesAsync(IServiceProvider services, string root)
    {
        var policies = services.GetRequiredService<PolicyStore>();
        var ruleset = await policies.PublishRulesetAsync(await File.ReadAllTextAsync(Path.Combine(root, "samples/policies/ruleset-icp-2026.json")), CancellationToken.None);
        var plan = await policies.PublishPlanAsync(await File.ReadAllTextAsync(Path.Combine(root, "samples/policies/plan-sdr-2026.json")), services.GetRequiredService<EvaluationContext>(), CancellationToken.None);
        return (ruleset, plan);
    }

    public static async Task<RunRecord> ForRunAsync(RunStore runs, string runId, TimeSpan deadline)
    {
        RunRecord? run = null;
        await Until(async () => (run = await runs.GetAsync(runId, CancellationToken.None)) is { Status: not RunStatus.Running }, $"run {runId} to finish", deadline);
        return run!;
    }

    /// <summary>Waits until the statement exists and every line of it comes from <paramref name="export"/>: that export's evaluation has landed.</summary>
    public static async Task<StatementDocument> ForStatementAsync(HttpClient http, string period, string sdrId, string export, TimeSpan deadline)
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
            return statement!.Lines.All(l => l.Source.Export == export);
        }, $"the statement {period}/{sdrId} from {export}", deadline);
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
