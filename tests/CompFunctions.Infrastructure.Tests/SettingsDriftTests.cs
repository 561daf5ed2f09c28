using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CompFunctions.Infrastructure.Tests;

/// <summary>
/// The names the code reads (connection, containers, queue, tables, Compensation settings, the
/// functions and the log line the alert parses) are the names the Bicep sets, read from the ARM
/// JSON <c>bicep build</c> produces, so the two cannot drift.
/// </summary>
public sealed class SettingsDriftTests
{
    private static readonly Lazy<JsonNode> Main = new(() => Bicep.Compile("main.bicep"));

    private static JsonNode ModuleParameter(string module, string parameter) =>
        Main.Value["resources"]!.AsArray()
            .Single(r => (string?)r!["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == module)!
            ["properties"]!["parameters"]![parameter]!["value"]!;

    private static string[] Strings(JsonNode node) => node.AsArray().Select(n => (string)n!).ToArray();

    private static JsonObject AppSettings() => ModuleParameter("function-app", "appSettings").AsObject();

    [Fact]
    public void Bicep_sets_every_storage_name_the_code_uses()
    {
        Assert.Equal(
            [Bindings.ExportsContainer, Bindings.ReportsContainer, Bindings.ConfigContainer, Bindings.ConfigReportsContainer, Bindings.IndexContainer],
            Strings(ModuleParameter("data-storage", "containers")));
        Assert.Equal(
            [Bindings.EvaluationQueue, $"{Bindings.EvaluationQueue}-poison", "webjobs-blobtrigger-poison"],
            Strings(ModuleParameter("data-storage", "queues")));
        Assert.Equal(Tables.All.Order(), Strings(ModuleParameter("data-storage", "tables")).Order());
    }

    [Fact]
    public void Bicep_gives_the_data_connection_the_code_reads_identity_based_endpoints()
    {
        var settings = AppSettings();
        var prefix = Bindings.StorageConnection + "__";
        Assert.Equal(
            ["blobServiceUri", "clientId", "credential", "queueServiceUri", "tableServiceUri"],
            settings.Select(s => s.Key).Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..]).Order());
        Assert.Equal("managedidentity", (string?)settings[prefix + "credential"]);
        Assert.Equal("managedidentity", (string?)settings["AzureWebJobsStorage__credential"]);
        Assert.DoesNotContain(settings, s => s.Key.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase) || s.Key.Contains("AccountKey", StringComparison.OrdinalIgnoreCase));

        // The app's own clients read the same names: give each setting a recognisable value and read it back.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)$"https://{s.Key.ToLowerInvariant()}.example/")))
            .Build();
        var storage = StorageConnection.From(configuration);
        Assert.Null(storage.ConnectionString);
        Assert.Equal(new Uri($"https://{prefix.ToLowerInvariant()}blobserviceuri.example/"), storage.BlobServiceUri);
        Assert.Equal(new Uri($"https://{prefix.ToLowerInvariant()}queueserviceuri.example/"), storage.QueueServiceUri);
        Assert.Equal(new Uri($"https://{prefix.ToLowerInvariant()}tableserviceuri.example/"), storage.TableServiceUri);
        Assert.Equal($"https://{prefix.ToLowerInvariant()}clientid.example/", storage.ClientId);
    }

    [Fact]
    public void Every_compensation_setting_the_bicep_sets_is_an_option_the_code_binds()
    {
        var keys = AppSettings().Select(s => s.Key).Where(k => k.StartsWith(CompensationOptions.Section + "__", StringComparison.Ordinal)).ToList();

        Assert.Contains($"{CompensationOptions.Section}__{nameof(CompensationOptions.TimeZone)}", keys);
        foreach (var key in keys)
        {
            var type = typeof(CompensationOptions);
            foreach (var part in key.Split("__").Skip(1))
            {
                var property = type.GetProperty(part, BindingFlags.Public | BindingFlags.Instance);
                Assert.True(property is { CanWrite: true }, $"{key}: {type.Name} has no settable property {part}.");
                type = property!.PropertyType;
            }
        }
    }

    [Fact]
    public void The_young_generations_budget_the_benchmarks_measure_with_is_the_one_deployed_and_run_locally()
    {
        const string name = "DOTNET_GCgen0size";
        var deployed = (string?)AppSettings()[name];
        Assert.Matches("^0x[0-9A-Fa-f]+$", deployed); // the runtime reads it as hex

        static string? Profile(string path) =>
            (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(Bicep.RepositoryRoot(), path)))!["profiles"]!.AsObject().Single().Value!["environmentVariables"]![name];
        Assert.Equal(deployed, Profile("src/CompFunctions.LocalHost/Properties/launchSettings.json"));
        Assert.Equal(deployed, Profile("bench/CompFunctions.Benchmarks/Properties/launchSettings.json"));
        Assert.Equal(deployed, (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(Bicep.RepositoryRoot(), "local.settings.sample.json")))!["Values"]![name]);
    }

    [Fact]
    public void Bicep_defaults_the_company_settings_to_the_code_defaults()
    {
        var parameters = Main.Value["parameters"]!;
        var defaults = new CompensationOptions();

        Assert.Equal(defaults.TimeZone, (string?)parameters["timeZone"]!["defaultValue"]);
        Assert.Equal(defaults.PlanId, (string?)parameters["planId"]!["defaultValue"]);
        Assert.Equal(defaults.NightlyCheck.Schedule, (string?)parameters["nightlyCheckSchedule"]!["defaultValue"]);
        Assert.Equal(defaults.NightlyCheck.ExpectedBy, (string?)parameters["nightlyCheckExpectedBy"]!["defaultValue"]);
    }

    [Fact]
    public void Event_grid_subscriptions_route_each_blob_trigger_to_the_container_it_watches()
    {
        var triggers = Bicep.Compile("blob-subscriptions.bicep")["variables"]!["blobTriggers"]!.AsArray()
            .ToDictionary(t => (string)t!["functionName"]!, t => (string)t!["container"]!);

        Assert.Equal(2, triggers.Count);
        Assert.Equal(Bindings.ExportBlobPath, $"{triggers[Bindings.Functions.IngestExport]}/{{name}}");
        Assert.Equal(Bindings.ConfigBlobPath, $"{triggers[Bindings.Functions.IngestPolicyDocument]}/{{name}}");
    }

    [Fact]
    public void Quarantine_alert_parses_the_log_line_the_pipeline_writes()
    {
        var template = typeof(PipelineLog).GetMethod(nameof(PipelineLog.IngestFinished))!.GetCustomAttribute<LoggerMessageAttribute>()!.Message;
        var query = Descendants(Main.Value)
            .Select(n => n is JsonObject o && o["query"] is JsonValue v ? (string?)v : null)
            .Single(q => q is not null && q.Contains("quarantined", StringComparison.Ordinal))!;

        // The KQL parse pattern is the message template with each {Placeholder} turned into a column.
        var pattern = "parse message with " + string.Join(' ', Regex.Split(template, @"\{(\w+)\}")
            .Select((part, i) => i % 2 == 0 ? $"\"{part}\"" : part == "Export" ? part : $"{part}:long")
            .Where(part => part != "\"\""));
        Assert.Contains(pattern, query, StringComparison.Ordinal);
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node) =>
        node switch
        {
            JsonObject o => new[] { node }.Concat(o.SelectMany(p => p.Value is null ? [] : Descendants(p.Value))),
            JsonArray a => a.SelectMany(n => n is null ? [] : Descendants(n)),
            _ => [node],
        };
}
