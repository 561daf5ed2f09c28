using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.WebJobs;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.WebJobs.Extensions.Timers;
using Microsoft.Azure.WebJobs.Host;
using Microsoft.Azure.WebJobs.Host.Executors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CompFunctions.LocalHost;

/// <summary>
/// Builds the local host: one ASP.NET Core application that serves the HTTP routes under
/// <c>/api</c> and runs the blob, queue and timer triggers on the WebJobs SDK.
/// </summary>
public static class LocalHostApp
{
    public const string DefaultUrl = "http://localhost:7071";

    /// <summary>The WebJobs SDK's own storage connection (the Functions host's too).</summary>
    public const string HostStorageConnection = "AzureWebJobsStorage";

    /// <summary>
    /// A section of the Functions app's <c>host.json</c> (copied next to the local host), with the
    /// overrides the Functions host takes from settings named <c>AzureFunctionsJobHost__{path}</c>.
    /// </summary>
    public static IConfiguration HostJsonSection(IConfiguration settings, string path)
    {
        var hostJson = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "host.json"), optional: false)
            .Build()
            .GetSection(path);
        var overrides = settings.GetSection("AzureFunctionsJobHost:" + path);
        return new ConfigurationBuilder()
            .AddInMemoryCollection(hostJson.AsEnumerable(makePathsRelative: true).Where(p => p.Value is not null))
            .AddInMemoryCollection(overrides.AsEnumerable(makePathsRelative: true).Where(p => p.Value is not null))
            .Build();
    }

    /// <param name="overrides">Settings that win over appsettings.json and the environment (tests pass the Azurite connection and the URL).</param>
    public static WebApplication Build(string[] args, IDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(overrides ?? new Dictionary<string, string?>());
        // The WebJobs SDK keeps its own state (blob receipts, locks) in AzureWebJobsStorage; locally that is
        // the same Azurite as the data unless set explicitly.
        if (string.IsNullOrEmpty(builder.Configuration[HostStorageConnection]))
        {
            builder.Configuration.AddInMemoryCollection([new(HostStorageConnection, builder.Configuration[Bindings.StorageConnection])]);
        }

        builder.WebHost.UseUrls(builder.Configuration["Urls"] ?? DefaultUrl);

        builder.Host.ConfigureWebJobs(webJobs =>
        {
            webJobs.AddAzureStorageCoreServices();
            // host.json's blob settings too (how many exports and policy documents at once).
            webJobs.AddAzureStorageBlobs(blobs => HostJsonSection(builder.Configuration, "extensions:blobs").Bind(blobs));
            // host.json's queue settings (how many messages at once, retries), overridable as in Functions with
            // AzureFunctionsJobHost__extensions__queues__{setting}; but poll at most every 2 s, so local runs do
            // not wait on an idle queue.
            webJobs.AddAzureStorageQueues(queues =>
            {
                HostJsonSection(builder.Configuration, "extensions:queues").Bind(queues);
                queues.MaxPollingInterval = TimeSpan.FromSeconds(2);
            });
            webJobs.AddTimers();

            // Extensions 3.0.6's storage-backed schedule monitor needs a type Host.Storage 5.x removed; locally an
            // in-memory one is enough (it only loses past-due detection across restarts).
            webJobs.Services.AddSingleton<ScheduleMonitor, InMemoryScheduleMonitor>();
            // A fixed host id: blob receipts are kept per host id, so a changing one would re-ingest every export.
            webJobs.Services.AddSingleton<IHostIdProvider>(new FixedHostId("compfunctions-local"));
            // Exactly these trigger classes, whatever else the process loaded (tests included).
            webJobs.Services.AddSingleton<ITypeLocator>(new TriggerTypes(typeof(WebJobsTriggers)));
        });
        builder.Logging.AddFilter("Azure.Core", LogLevel.Error); // the SDK logs every expected 404/409 (e.g. create-if-not-exists) as a warning
        builder.Services.AddCompensation(builder.Configuration);

        var app = builder.Build();
        app.Use(RequireFunctionKey(app.Configuration));
        var api = app.MapGroup("/api");
        api.MapGet(Bindings.StatementRoute, (string period, string sdrId, StatementEndpoints statements, HttpContext http) =>
            statements.GetStatementAsync(http.Request, period, sdrId, http.RequestAborted));
        api.MapGet(Bindings.SummaryRoute, (string period, StatementEndpoints statements, HttpContext http) =>
            statements.GetSummaryAsync(http.Request, period, http.RequestAborted));
        api.MapGet(Bindings.MeetingRoute, (string meetingId, MeetingEndpoints meetings, HttpContext http) =>
            meetings.GetMeetingAsync(meetingId, http.RequestAborted));
        api.MapPost(Bindings.LockRoute, (string period, PeriodEndpoints periods, HttpContext http) =>
            periods.LockAsync(period, http.RequestAborted));
        api.MapPost(Bindings.ReplayRoute, (string period, PeriodEndpoints periods, HttpContext http) =>
            periods.ReplayAsync(period, http.RequestAborted));
        api.MapPost(Bindings.CompareRoute, (CompareEndpoints compare, HttpContext http) =>
            compare.CompareAsync(http.Request, http.RequestAborted));
        api.MapGet(Bindings.MeasureRoute, (string period, MeasureEndpoints measure, HttpContext http) =>
            measure.GetAsync(http.Request, period, http.RequestAborted));
        api.MapGet(Bindings.HealthRoute, (HealthEndpoint health, HttpContext http) => health.GetAsync(http.RequestAborted));
        return app;
    }

    /// <summary>
    /// What the Functions host does with <c>AuthorizationLevel.Function</c>: when
    /// <c>LocalHost:FunctionKey</c> is set, every route but health needs that key (or
    /// <c>LocalHost:AdminKey</c>) in the <c>x-functions-key</c> header or the <c>code</c> query
    /// parameter, else 401 as problem details. Unset (the default), the local host checks no key.
    /// </summary>
    private static Func<HttpContext, RequestDelegate, Task> RequireFunctionKey(IConfiguration configuration) => async (http, next) =>
    {
        var keys = new[] { configuration["LocalHost:FunctionKey"], configuration["LocalHost:AdminKey"] }.Where(k => !string.IsNullOrEmpty(k)).ToArray();
        var path = http.Request.Path;
        if (keys.Length == 0 || path.Equals("/api/" + Bindings.HealthRoute, StringComparison.OrdinalIgnoreCase) || !path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await next(http);
            return;
        }

        var given = http.Request.Headers["x-functions-key"].FirstOrDefault() ?? http.Request.Query["code"].FirstOrDefault();
        bool Is(string? key) => !string.IsNullOrEmpty(key) && given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(given));
        var adminOnly = path.StartsWithSegments("/api/periods", StringComparison.OrdinalIgnoreCase);
        if (adminOnly ? Is(configuration["LocalHost:AdminKey"]) : keys.Any(Is))
        {
            await next(http);
            return;
        }

        var problem = adminOnly && keys.Any(Is)
            ? Problems.Forbidden("Admin key required", "Locking a period needs the admin key, not a function key.")
            : Problems.Unauthorized("Function key required", "Send the function key in the x-functions-key header or the code query parameter.");
        await problem.ExecuteAsync(http);
    };

    /// <summary>
    /// Stops the host. With two blob triggers, the WebJobs blob extension (5.3.10) can stop its
    /// shared blob-queue listener twice and throw "The timer has already been stopped." from
    /// SharedBlobQueueListener; every other service has been stopped by then, so exactly that error
    /// is ignored and any other is not.
    /// </summary>
    public static async Task StopAsync(WebApplication app)
    {
        try
        {
            await app.StopAsync();
        }
        catch (InvalidOperationException ex) when (IsDoubleStopOfSharedBlobListener(ex))
        {
        }
    }

    /// <summary>Runs until Ctrl+C, tolerating the same double stop as <see cref="StopAsync"/>.</summary>
    public static async Task RunAsync(WebApplication app)
    {
        try
        {
            await app.RunAsync();
        }
        catch (InvalidOperationException ex) when (IsDoubleStopOfSharedBlobListener(ex))
        {
        }
    }

    private static bool IsDoubleStopOfSharedBlobListener(InvalidOperationException ex) =>
        ex.Message == "The timer has already been stopped."
        && (ex.StackTrace?.Contains("SharedBlobQueueListener", StringComparison.Ordinal) ?? false);

    private sealed class InMemoryScheduleMonitor : ScheduleMonitor
    {
        private readonly ConcurrentDictionary<string, ScheduleStatus> _status = new(StringComparer.Ordinal);

        public override Task<ScheduleStatus> GetStatusAsync(string timerName) =>
            Task.FromResult(_status.TryGetValue(timerName, out var status) ? status : null!);

        public override Task UpdateStatusAsync(string timerName, ScheduleStatus status)
        {
            _status[timerName] = status;
            return Task.CompletedTask;
        }
    }

    private sealed class FixedHostId(string id) : IHostIdProvider
    {
        public Task<string> GetHostIdAsync(CancellationToken cancellationToken) => Task.FromResult(id);
    }

    /// <summary>Tells the WebJobs SDK exactly which classes hold triggers, whatever assembly started the process (tests included).</summary>
    private sealed class TriggerTypes(params Type[] types) : ITypeLocator
    {
        public IReadOnlyList<Type> GetTypes() => types;
    }
}
