using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CompFunctions.LocalHost;
using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CompFunctions.Benchmarks;

/// <summary>
/// The local host (the same services and trigger engine the Functions host runs) against a
/// private in-memory Azurite, for one benchmark and thrown away after it — or, with
/// <c>--storage "{connection string}"</c>, against that storage account (a real one, to measure
/// the app rather than the emulator; use an empty account: the benchmark's data stays there).
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly string _folder;
    private readonly Azurite? _azurite;

    private BenchHost(string folder, Azurite? azurite, string connectionString, WebApplication app, string url)
    {
        _folder = folder;
        _azurite = azurite;
        App = app;
        Url = url;
        Observer = new TableServiceClient(connectionString);
    }

    public WebApplication App { get; }

    public string Url { get; }

    public string Folder => _folder;

    /// <summary>
    /// A table client of the benchmark's own, outside the app's client factory, for waiting on runs
    /// and evaluations: its polling is not the app's cost, so it is not counted.
    /// </summary>
    public TableServiceClient Observer { get; }

    /// <summary>Waits, without being counted, until the run has finished and every SDR period it queued is evaluated.</summary>
    public Task<RunRecord> WaitForRunAsync(string runId, TimeSpan deadline) =>
        PipelineWaits.ForRunAsync(new RunStore(Observer), Observer, runId, deadline).WaitAsync(Stopping);

    /// <summary>The private Azurite's processor time so far; null when the benchmark runs against a storage account.</summary>
    public TimeSpan? StorageProcessorTime => _azurite?.ProcessorTime;

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>
    /// Cancelled when the local host is asked to stop (Ctrl+C, SIGTERM: its console lifetime
    /// catches both): waits give up, so the benchmark ends and removes Azurite and its files.
    /// </summary>
    public CancellationToken Stopping => App.Lifetime.ApplicationStopping;

    /// <param name="storage">A storage connection string to use instead of a private Azurite, or null.</param>
    public static async Task<BenchHost> StartAsync(TextWriter log, string? storage)
    {
        var folder = Path.Combine(Path.GetTempPath(), "compfunctions-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        Azurite? azurite;
        try
        {
            azurite = storage is null ? await Azurite.StartAsync(AzuritePorts.Free(), Path.Combine(folder, "azurite"), Console.Error, CancellationToken.None, inMemory: true) : null;
        }
        catch
        {
            // Nothing ran yet: leave no folder behind.
            Directory.Delete(folder, recursive: true);
            throw;
        }

        var connectionString = azurite?.ConnectionString ?? storage!;
        var url = $"http://127.0.0.1:{AzuritePorts.Free().Blob}";
        var app = LocalHostApp.Build([], new Dictionary<string, string?>
        {
            [Bindings.StorageConnection] = connectionString,
            ["Urls"] = url,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await app.StartAsync();
        var where = azurite is null ? "the storage account given with --storage" : $"Azurite on {azurite.Ports.Blob}/{azurite.Ports.Queue}/{azurite.Ports.Table}";
        await log.WriteLineAsync($"{where}, local host on {url}, files in {folder}.");
        await PipelineWaits.PublishSamplePoliciesAsync(app.Services.GetRequiredService<BlobServiceClient>(), RepositoryRoot.Find(), TimeSpan.FromMinutes(2));
        return new BenchHost(folder, azurite, connectionString, app, url);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await LocalHostApp.StopAsync(App);
            await App.DisposeAsync();
        }
        finally
        {
            if (_azurite is not null)
            {
                await _azurite.DisposeAsync();
            }

            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }
}

/// <summary>
/// <c>e2e --rows N [--changed 0.01] [--seed 1] [--nights 3] [--storage "{connection string}"] [--gc-events yes]</c>: up to three nights through the whole pipeline —
/// the first (everything new), the same export again (nothing changed) and the next night
/// (a share of rows changed) — each from "export dropped" to "every queued SDR period evaluated",
/// with wall time, storage transactions and the process's peak working set.
/// </summary>
internal static class EndToEnd
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var options = GenerateCommand.Options.Parse(args);
        var generator = new GeneratorOptions { Rows = options.Int("rows", 100_000), Seed = options.Int("seed", 1) };
        var changed = options.Double("changed", 0.01);
        await using var host = await BenchHost.StartAsync(output, options.Text("storage"));

        var first = Path.Combine(host.Folder, "night-1.csv");
        var next = Path.Combine(host.Folder, "night-2.csv");
        await using (var writer = new StreamWriter(first, false, new UTF8Encoding(false), 1 << 16))
        {
            await ExportGenerator.WriteAsync(writer, generator);
        }

        using (var reader = new StreamReader(first))
        await using (var writer = new StreamWriter(next, false, new UTF8Encoding(false), 1 << 16))
        {
            await ExportGenerator.NextNightAsync(reader, writer, changed, generator.Seed + 1, generator.AsOf);
        }

        await output.WriteLineAsync($"Generated {generator.Rows:N0} rows ({new FileInfo(first).Length / 1e6:0.0} MB), {generator.Sdrs} SDRs, {generator.Days} days, seed {generator.Seed}.");
        await output.WriteLineAsync(GcReport.Describe());
        await output.WriteLineAsync();
        await output.WriteLineAsync("| night | rows | wall time | of which ingestion (of which the trigger noticing the export) | rows/s | storage transactions | per 1,000 rows | unchanged rows | SDR periods evaluated | peak working set, ingestion | managed heap live after ingestion | peak working set | CPU: app, Azurite | collections (gen 2), pauses |");
        await output.WriteLineAsync("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var nights = options.Int("nights", 3);
        using var gc = options.Text("gc-events") is "yes" ? new GcEvents() : null;
        var baseline = await NightAsync(host, "first night", "bench/night-1.csv", first, generator.Rows, output, null, gc);
        if (nights >= 2)
        {
            await NightAsync(host, "same export again", "bench/night-1-again.csv", first, generator.Rows, output, baseline, gc);
        }

        if (nights >= 3)
        {
            await NightAsync(host, $"{changed:P0} of rows changed", "bench/night-2.csv", next, generator.Rows, output, baseline, gc);
        }

        return 0;
    }

    private static async Task<TimeSpan> NightAsync(BenchHost host, string night, string blobName, string file, int rows, TextWriter output, TimeSpan? baseline, GcEvents? gc)
    {
        var exports = host.Get<BlobServiceClient>().GetBlobContainerClient(Bindings.ExportsContainer);
        // Start each night from what is alive, not from what the night before left committed (its
        // evaluations' peak): an aggressive collection returns the free memory to the OS, so the
        // working set measured below is this night's.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        using var memory = new PeakWorkingSet();
        var uploaded = await BlobDrops.DropAsync(exports, blobName, File.OpenRead(file));

        // The clock and the count start once the export is in place: "export dropped → every statement readable".
        var transactions = host.Get<StorageTransactions>();
        var before = transactions.Snapshot();
        var cpu = ProcessorTimes.Now(host);
        var clock = Stopwatch.StartNew();
        var droppedAt = DateTimeOffset.UtcNow;
        var deadline = TimeSpan.FromMinutes(60);
        var finished = await PipelineWaits.ForRunFinishedAsync(new RunStore(host.Observer), RunIds.Of(blobName, uploaded.ETag), deadline).WaitAsync(host.Stopping);
        var (ingestTime, ingestPeak) = (clock.Elapsed, memory.PeakBytes);
        // The run's start is stamped by the host's clock (this process's): how long the blob trigger took to notice the export.
        var noticed = finished.StartedAt - droppedAt;
        // What is still alive once ingestion is done, as opposed to what the garbage collector kept committed.
        GC.Collect();
        var live = GC.GetGCMemoryInfo().HeapSizeBytes;
        var run = await PipelineWaits.ForEvaluationsAsync(host.Observer, finished, deadline).WaitAsync(host.Stopping);
        clock.Stop();
        var spent = transactions.Snapshot() - before;
        var used = ProcessorTimes.Now(host) - cpu;
        var c = CultureInfo.InvariantCulture;
        var ratio = baseline is { } b ? string.Format(c, " ({0:P1} of the first)", clock.Elapsed / b) : "";
        await output.WriteLineAsync(string.Format(c,
            "| {0} | {1:N0} | {2:0.0} s{3} | {4:0.0} s ({13:0.0} s) | {5:N0} | {6} | {7:0.00} | {8:N0} | {9:N0} | {10:N0} MB | {11:N0} MB | {12:N0} MB | {14} | {15} |",
            night, rows, clock.Elapsed.TotalSeconds, ratio, ingestTime.TotalSeconds, rows / clock.Elapsed.TotalSeconds, spent, spent.Total * 1000.0 / rows,
            run.Unchanged, run.SdrPeriodsQueued, ingestPeak / 1e6, live / 1e6, memory.PeakBytes / 1e6, Math.Max(0, noticed.TotalSeconds), used.CpuText, used.CollectionsText));
        if (gc is not null)
        {
            await gc.ReportAsync(night, Console.Error);
        }

        return clock.Elapsed;
    }
}

/// <summary>
/// What a night cost in processor time — this process's (the app, the trigger engine, the
/// benchmark's own waiting) and the emulator's — and in garbage collections: on a 2-core machine
/// the two processes share the cores, so a night's wall time is bound by their sum.
/// </summary>
internal readonly record struct ProcessorTimes(TimeSpan App, TimeSpan? Storage, int Collections, int Gen2, TimeSpan Paused)
{
    public static ProcessorTimes Now(BenchHost host)
    {
        using var process = Process.GetCurrentProcess();
        return new(process.TotalProcessorTime, host.StorageProcessorTime, GC.CollectionCount(0), GC.CollectionCount(2), GC.GetTotalPauseDuration());
    }

    public static ProcessorTimes operator -(ProcessorTimes after, ProcessorTimes before) =>
        new(after.App - before.App, after.Storage - before.Storage, after.Collections - before.Collections, after.Gen2 - before.Gen2, after.Paused - before.Paused);

    public string CpuText => string.Format(CultureInfo.InvariantCulture, "{0:0.0} s, {1}", App.TotalSeconds, Storage is { } s ? s.TotalSeconds.ToString("0.0 s", CultureInfo.InvariantCulture) : "n/a");

    /// <summary>Counts include the one full collection the benchmark makes after ingestion (to measure what is live).</summary>
    public string CollectionsText => string.Format(CultureInfo.InvariantCulture, "{0:N0} ({1:N0}), {2:0.0} s", Collections, Gen2, Paused.TotalSeconds);
}

/// <summary>Samples the process's working set every 50 ms while alive; the peak seen (and the one the OS recorded since start, if lower, is not reset).</summary>
internal sealed class PeakWorkingSet : IDisposable
{
    private readonly Timer _timer;
    private long _peak;

    public PeakWorkingSet()
    {
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));
    }

    public long PeakBytes
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peak);
        }
    }

    private void Sample()
    {
        using var process = Process.GetCurrentProcess();
        var now = process.WorkingSet64;
        long seen;
        while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
        }
    }

    public void Dispose() => _timer.Dispose();
}

/// <summary>What the runtime's garbage collector runs with, for the record next to a benchmark's figures.</summary>
internal static class GcReport
{
    public static string Describe()
    {
        var settings = GC.GetConfigurationVariables();
        var budget = Convert.ToInt64(settings.GetValueOrDefault("GCGen0MaxBudget") ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        var gen0 = Environment.GetEnvironmentVariable("DOTNET_GCgen0size");
        return $"Garbage collector: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {(settings.GetValueOrDefault("ConcurrentGC") is true ? "concurrent" : "not concurrent")}; "
            + (gen0 is null ? $"young generation's budget the runtime's own (at most {budget / 1048576.0:0.#} MiB; DOTNET_GCgen0size not set)." : $"young generation's budget at least DOTNET_GCgen0size = {gen0} ({budget / 1048576.0:0.#} MiB).");
    }
}
