using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CompFunctions.LocalHost;
using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Storage;

namespace CompFunctions.Benchmarks;

/// <summary>
/// <c>statements [--lines 1000] [--clients 50] [--seconds 15] [--encoding gzip|identity]</c>: one SDR month with
/// about <c>lines</c> payout lines, then that many clients fetching
/// <c>GET /api/statements/{period}/{sdrId}</c> back to back on loopback for a bounded time;
/// reports throughput and latency percentiles. Clients send <c>Accept-Encoding: gzip</c> like a
/// browser or finance tool and read the body as sent, without decompressing it (as <c>wrk</c>
/// does); <c>--encoding identity</c> asks for the uncompressed body instead.
/// </summary>
internal static class StatementLoad
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var options = GenerateCommand.Options.Parse(args);
        var lines = options.Int("lines", 1000);
        var clients = options.Int("clients", 50);
        var duration = TimeSpan.FromSeconds(options.Int("seconds", 15));
        var gzip = (options.Text("encoding") ?? "gzip") switch
        {
            "gzip" => true,
            "identity" => false,
            var other => throw new ArgumentException($"--encoding '{other}' is not gzip or identity."),
        };
        await using var host = await BenchHost.StartAsync(output, options.Text("storage"));

        // The sample plan pays three components, so a meeting is three lines; 20 days keep every meeting in November.
        var generator = new GeneratorOptions { Rows = (lines + 2) / 3, Sdrs = 1, Days = 20, AsOf = new DateOnly(2026, 11, 25) };
        var csv = new StringWriter();
        await ExportGenerator.WriteAsync(csv, generator);
        var uploaded = await BlobDrops.DropAsync(host.Get<BlobServiceClient>().GetBlobContainerClient(Bindings.ExportsContainer), "bench/statement.csv", BinaryData.FromString(csv.ToString()));
        await host.WaitForRunAsync(RunIds.Of("bench/statement.csv", uploaded.ETag), TimeSpan.FromMinutes(5));

        const string route = "/api/statements/2026-11/sdr-g000";
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = new Uri(host.Url) };
        var statement = await PipelineWaits.ForStatementAsync(http, "2026-11", "sdr-g000", TimeSpan.FromMinutes(1));
        var bytes = (await http.GetByteArrayAsync(route)).Length;
        if (gzip)
        {
            http.DefaultRequestHeaders.AcceptEncoding.ParseAdd("gzip");
        }

        var sent = (await http.GetByteArrayAsync(route)).Length;
        await output.WriteLineAsync($"Statement {route}: {statement.Lines.Count:N0} lines, {bytes / 1e3:0} kB of JSON, {sent / 1e3:0} kB as sent ({(gzip ? "gzip" : "identity")}).");

        // Warm up, then measure.
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => http.GetByteArrayAsync(route)));
        var latencies = new List<double>[clients];
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var mine = latencies[client] = new List<double>();
            while (until.Elapsed < duration)
            {
                var one = Stopwatch.StartNew();
                using var response = await http.GetAsync(route, HttpCompletionOption.ResponseContentRead);
                response.EnsureSuccessStatusCode();
                mine.Add(one.Elapsed.TotalMilliseconds);
            }
        }));
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double P(double q) => all[Math.Min(all.Length - 1, (int)Math.Ceiling(q * all.Length) - 1)];
        var c = CultureInfo.InvariantCulture;
        await output.WriteLineAsync(string.Format(c,
            "{0} clients for {1:0} s: {2:N0} requests, {3:N0}/s; latency p50 {4:0.0} ms, p90 {5:0.0} ms, p99 {6:0.0} ms, max {7:0.0} ms.",
            clients, until.Elapsed.TotalSeconds, all.Length, all.Length / until.Elapsed.TotalSeconds, P(0.50), P(0.90), P(0.99), all[^1]));
        return 0;
    }
}
