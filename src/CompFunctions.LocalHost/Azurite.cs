using System.Diagnostics;
using System.Net.Sockets;

namespace CompFunctions.LocalHost;

/// <summary>The three ports of one Azurite instance, on loopback.</summary>
public sealed record AzuritePorts(int Blob, int Queue, int Table)
{
    public static AzuritePorts Default { get; } = new(10000, 10001, 10002);

    /// <summary>Three ports nothing listens on now, for an instance of its own (the tests use this).</summary>
    public static AzuritePorts Free() => new(FreePort(), FreePort(), FreePort());

    /// <summary>A full connection string for these ports with Azurite's well-known development account.</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{Blob}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{Queue}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{Table}/devstoreaccount1;";

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Starts the Azurite storage emulator pinned in the repository's <c>package.json</c> (installing
/// it with <c>npm ci</c> on first use), on loopback only, with <c>--skipApiVersionCheck</c>
/// (the Azure SDK speaks a newer API version than Azurite knows) and <c>--disableTelemetry</c>. When something already listens
/// on the ports, that instance is used and left running.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    private readonly Process? _process;
    private volatile bool _stopping;

    private Azurite(AzuritePorts ports, Process? process)
    {
        Ports = ports;
        _process = process;
    }

    public AzuritePorts Ports { get; }

    public bool StartedHere => _process is not null;

    /// <summary>The processor time the emulator's process has used so far (null when it was not started here).</summary>
    public TimeSpan? ProcessorTime
    {
        get
        {
            if (_process is null || _process.HasExited)
            {
                return null;
            }

            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public string ConnectionString => Ports.ConnectionString;

    /// <param name="inMemory">
    /// Keep everything in the emulator's memory (<c>--inMemoryPersistence</c>, with a larger Node.js
    /// heap) instead of its files: Azurite saves its table store by serialising all of it into one
    /// JavaScript string every few seconds, which fails once the tables pass a few hundred MB (a
    /// 100,000-row night). For benchmarks, whose data is thrown away anyway.
    /// </param>
    public static async Task<Azurite> StartAsync(AzuritePorts ports, string location, TextWriter log, CancellationToken cancellationToken, bool inMemory = false)
    {
        if (await ListensAsync(ports.Blob) && await ListensAsync(ports.Queue) && await ListensAsync(ports.Table))
        {
            await log.WriteLineAsync($"Azurite: using the instance already listening on ports {ports.Blob}-{ports.Table}.");
            return new Azurite(ports, null);
        }

        var root = RepositoryRoot.Find();
        var script = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            await log.WriteLineAsync("Azurite: installing the pinned version with npm ci (first run only)...");
            await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], root, cancellationToken);
        }

        Directory.CreateDirectory(location);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var arguments = inMemory ? new List<string> { "--max-old-space-size=12288", script, "--inMemoryPersistence" } : [script, "--location", location];
        foreach (var arg in arguments.Concat(new[]
                 {
                     // --disableTelemetry: Azurite reports usage to Microsoft by default, from every request's middleware
                     // (a tenth of its CPU on a busy night, and nobody asked the developer).
                     "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
                     "--blobHost", "127.0.0.1", "--blobPort", ports.Blob.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--queueHost", "127.0.0.1", "--queuePort", ports.Queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--tableHost", "127.0.0.1", "--tablePort", ports.Table.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 }))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (errors) { errors.AppendLine(e.Data); } } };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var azurite = new Azurite(ports, process);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            if (!azurite._stopping)
            {
                // Everything that uses it now fails with "connection refused": say why, once.
                string stderr;
                lock (errors) { stderr = errors.ToString(); }
                log.WriteLine($"Azurite exited unexpectedly (exit code {process.ExitCode}): {(stderr.Length > 0 ? stderr : "no error output")}");
            }
        };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await ListensAsync(ports.Blob) && await ListensAsync(ports.Queue) && await ListensAsync(ports.Table)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var exitCode = process.HasExited ? process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none, timed out";
                await azurite.DisposeAsync();
                string stderr;
                lock (errors) { stderr = errors.ToString(); }
                throw new InvalidOperationException($"Azurite did not start on ports {ports.Blob}-{ports.Table} (exit code {exitCode}): {stderr}");
            }

            await Task.Delay(100, cancellationToken);
        }

        await log.WriteLineAsync($"Azurite: started on 127.0.0.1 ports {ports.Blob} (blob), {ports.Queue} (queue), {ports.Table} (table), data {(inMemory ? "in memory" : "in " + location)}.");
        return azurite;
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        if (_process is { HasExited: false } && !OperatingSystem.IsWindows())
        {
            // Ask first: on SIGINT Azurite saves its table database (it saves only every few seconds
            // otherwise), so what the last run wrote is still there next time.
            using var interrupt = Process.Start(new ProcessStartInfo("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            if (interrupt is not null)
            {
                await interrupt.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                // it did not stop in time: killed below
            }
        }

        if (_process is { HasExited: false })
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it exited between the check and the kill
            }

            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private static async Task<bool> ListensAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task RunAsync(string file, string[] args, string directory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stderr = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' failed with exit code {process.ExitCode}: {stderr}");
        }
    }
}

/// <summary>Finds the repository root (the folder holding <c>CompFunctions.sln</c>) from the running program's folder.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CompFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"CompFunctions.sln was not found above {AppContext.BaseDirectory}; run from a clone of the repository.");
    }
}
