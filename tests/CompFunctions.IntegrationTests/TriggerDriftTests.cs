using System.Reflection;
using System.Text.Json;
using CompFunctions.LocalHost;
using CompFunctions.Pipeline;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>
/// The Functions app and the local host declare their triggers separately (two SDKs, two sets of
/// attributes). Both use <see cref="Bindings"/>; this checks the Functions SDK's generated
/// functions.metadata and the local host's WebJobs declarations say the same thing.
/// </summary>
public sealed class TriggerDriftTests
{
    private static JsonElement[] Metadata()
    {
        var configuration = typeof(TriggerDriftTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value;
        var path = Path.Combine(RepositoryRoot.Find(), "src", "CompFunctions.Functions", "bin", configuration!, "net10.0", "functions.metadata");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateArray().ToArray();
    }

    /// <summary>The routes of every HTTP function in the generated metadata.</summary>
    public static IEnumerable<string> HttpRoutes() => Metadata()
        .SelectMany(f => f.GetProperty("bindings").EnumerateArray())
        .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
        .Select(b => b.GetProperty("route").GetString()!);

    private static JsonElement Trigger(string function) =>
        Metadata().Single(f => f.GetProperty("name").GetString() == function)
            .GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

    [Fact]
    public void The_functions_app_declares_the_blob_queue_timer_and_http_triggers_of_the_shared_bindings()
    {
        Assert.Equal(Bindings.ExportBlobPath, Trigger(Bindings.Functions.IngestExport).GetProperty("path").GetString());
        Assert.Equal(Bindings.EvaluationQueue, Trigger(Bindings.Functions.EvaluateSdrPeriod).GetProperty("queueName").GetString());
        Assert.Equal(Bindings.NightlyCheckSchedule, Trigger(Bindings.Functions.NightlyExportCheck).GetProperty("schedule").GetString());
        Assert.Equal(Bindings.StatementRoute, Trigger(Bindings.Functions.GetStatement).GetProperty("route").GetString());
        Assert.Equal(Bindings.HealthRoute, Trigger(Bindings.Functions.Health).GetProperty("route").GetString());
        Assert.Equal("Anonymous", Trigger(Bindings.Functions.Health).GetProperty("authLevel").GetString());
        Assert.Equal("Function", Trigger(Bindings.Functions.GetStatement).GetProperty("authLevel").GetString());
    }

    [Fact]
    public void In_azure_the_blob_triggers_take_their_events_from_event_grid_and_the_local_host_polls()
    {
        // Flex Consumption only runs Event Grid blob triggers; Azurite publishes no events, so the local host polls.
        Assert.Equal("EventGrid", Trigger(Bindings.Functions.IngestExport).GetProperty("source").GetString());
        Assert.Equal("EventGrid", Trigger(Bindings.Functions.IngestPolicyDocument).GetProperty("source").GetString());
        Assert.All(
            new[] { nameof(WebJobsTriggers.IngestExport), nameof(WebJobsTriggers.IngestPolicyDocument) },
            method => Assert.Equal(
                Microsoft.Azure.WebJobs.BlobTriggerSource.LogsAndContainerScan,
                typeof(WebJobsTriggers).GetMethod(method)!.GetParameters().Select(p => p.GetCustomAttribute<Microsoft.Azure.WebJobs.BlobTriggerAttribute>()).Single(a => a is not null)!.Source));
    }

    [Fact]
    public void The_local_host_runs_every_non_http_function_of_the_functions_app_under_the_same_name()
    {
        var functionsApp = Metadata()
            .Where(f => !f.GetProperty("bindings").EnumerateArray().Any(b => b.GetProperty("type").GetString() == "httpTrigger"))
            .Select(f => f.GetProperty("name").GetString())
            .Order();
        var localHost = typeof(WebJobsTriggers).GetMethods()
            .Select(m => m.GetCustomAttribute<Microsoft.Azure.WebJobs.FunctionNameAttribute>()?.Name)
            .Where(n => n is not null)
            .Order();

        Assert.Equal(functionsApp, localHost);
    }

    [Fact]
    public void The_local_host_declares_the_same_blob_path_queue_and_schedule()
    {
        static T Attribute<T>(string method) where T : Attribute =>
            typeof(WebJobsTriggers).GetMethod(method)!.GetParameters().Select(p => p.GetCustomAttribute<T>()).Single(a => a is not null)!;

        Assert.Equal(Trigger(Bindings.Functions.IngestExport).GetProperty("path").GetString(), Attribute<Microsoft.Azure.WebJobs.BlobTriggerAttribute>(nameof(WebJobsTriggers.IngestExport)).BlobPath);
        Assert.Equal(Trigger(Bindings.Functions.EvaluateSdrPeriod).GetProperty("queueName").GetString(), Attribute<Microsoft.Azure.WebJobs.QueueTriggerAttribute>(nameof(WebJobsTriggers.EvaluateSdrPeriod)).QueueName);
        Assert.Equal(Trigger(Bindings.Functions.NightlyExportCheck).GetProperty("schedule").GetString(), Attribute<Microsoft.Azure.WebJobs.TimerTriggerAttribute>(nameof(WebJobsTriggers.NightlyExportCheck)).ScheduleExpression);
    }
}
