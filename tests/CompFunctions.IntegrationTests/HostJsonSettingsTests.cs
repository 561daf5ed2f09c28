using System.Text.Json;
using CompFunctions.LocalHost;
using CompFunctions.Pipeline;
using Microsoft.Azure.WebJobs.Host;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>
/// The local host runs the queue trigger with the Functions app's host.json settings (how many
/// evaluations at once, how many tries), so what is measured locally is what runs in Azure; and it
/// takes the same overrides the Functions host does.
/// </summary>
public sealed class HostJsonSettingsTests
{
    private static JsonElement HostJsonExtension(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "src", "CompFunctions.Functions", "host.json")))
            .RootElement.GetProperty("extensions").GetProperty(name);

    private static JsonElement HostJsonQueues() => HostJsonExtension("queues");

    private static async Task<T> LocalOptionsAsync<T>(Dictionary<string, string?> settings) where T : class
    {
        settings[Bindings.StorageConnection] = "UseDevelopmentStorage=true";
        await using var app = LocalHostApp.Build([], settings);
        return app.Services.GetRequiredService<IOptions<T>>().Value;
    }

    private static Task<QueuesOptions> LocalQueueOptionsAsync(Dictionary<string, string?> settings) => LocalOptionsAsync<QueuesOptions>(settings);

    [Fact]
    public async Task The_local_host_takes_batch_size_threshold_tries_and_visibility_timeout_from_host_json()
    {
        var expected = HostJsonQueues();

        var queues = await LocalQueueOptionsAsync([]);

        Assert.Equal(expected.GetProperty("batchSize").GetInt32(), queues.BatchSize);
        Assert.Equal(expected.GetProperty("newBatchThreshold").GetInt32(), queues.NewBatchThreshold);
        Assert.Equal(expected.GetProperty("maxDequeueCount").GetInt32(), queues.MaxDequeueCount);
        Assert.Equal(TimeSpan.Parse(expected.GetProperty("visibilityTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture), queues.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), queues.MaxPollingInterval);
    }

    [Fact]
    public async Task The_local_host_takes_how_many_blobs_it_processes_at_once_from_host_json()
    {
        var blobs = await LocalOptionsAsync<BlobsOptions>([]);

        Assert.Equal(HostJsonExtension("blobs").GetProperty("maxDegreeOfParallelism").GetInt32(), blobs.MaxDegreeOfParallelism);
    }

    [Fact]
    public async Task A_setting_named_like_the_functions_hosts_override_wins_over_host_json()
    {
        var queues = await LocalQueueOptionsAsync(new() { ["AzureFunctionsJobHost:extensions:queues:batchSize"] = "2" });

        Assert.Equal(2, queues.BatchSize);
        Assert.Equal(HostJsonQueues().GetProperty("newBatchThreshold").GetInt32(), queues.NewBatchThreshold);
    }
}
