using System.Globalization;
using Azure.Storage.Blobs;
using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Http;
using CompFunctions.Pipeline.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CompFunctions.LocalHost;

/// <summary>
/// The main job on the bundled sample, end to end: starts Azurite and the local host, publishes
/// the sample ruleset and plan, drops the sample export into <c>crm-exports</c>, waits for the
/// pipeline, and prints one rep's statement as served over HTTP.
/// </summary>
internal static class SampleRun
{
    private const string SdrId = "sdr-ana";
    private const string Period = "2026-11";
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    /// <param name="args">Host settings, plus <c>--save-html PATH</c> to also save the statement's HTML page.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var saveHtml = Array.IndexOf(args, "--save-html") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        args = saveHtml is null ? args : [.. args[..Array.IndexOf(args, "--save-html")], .. args[(Array.IndexOf(args, "--save-html") + 2)..]];
        await using var session = await LocalSession.StartAsync(args, output);
        foreach (var report in await PipelineWaits.PublishSamplePoliciesAsync(session.Services.GetRequiredService<BlobServiceClient>(), session.Root, Deadline))
        {
            await output.WriteLineAsync($"Policy: {Bindings.ConfigContainer}/{report.Document} → {report.Kind} {report.Id} v{report.Version}, {report.Status.Replace('_', ' ')}.");
        }

        var name = $"samples/{DateTime.UtcNow:yyyy/MM/dd/HHmmss}/meetings.csv";
        await session.DropSampleExportAsync(name, Deadline, output);

        using var http = new HttpClient { BaseAddress = new Uri(LocalHostApp.DefaultUrl) };
        var statement = await PipelineWaits.ForStatementAsync(http, Period, SdrId, Deadline);
        Print(statement, output);
        if (saveHtml is not null)
        {
            await File.WriteAllTextAsync(saveHtml, await http.GetStringAsync($"/api/statements/{Period}/{SdrId}?format=html"));
            await output.WriteLineAsync($"Saved the printable statement to {saveHtml}.");
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync($"The same statement as JSON: curl {LocalHostApp.DefaultUrl}/api/statements/{Period}/{SdrId} (while the host runs: dotnet run --project src/CompFunctions.LocalHost)");
        return 0;
    }

    private static void Print(StatementDocument s, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine($"Payout statement: {s.SdrId}, {s.Period} ({s.Status}), amounts in {s.Currency}");
        output.WriteLine(new string('-', 110));
        foreach (var meeting in s.Lines.GroupBy(l => l.MeetingId))
        {
            var q = meeting.First().Qualification;
            var verdict = q switch
            {
                { Qualified: true } => $"qualified by {q.By}",
                { DisqualifiedBy: { } rule } => $"disqualified by {rule}",
                { FailedCriteria.Count: > 0 } => $"not qualified (failed: {string.Join(", ", q.FailedCriteria)})",
                _ => $"not qualified{(q.Explanation is { } why ? ": " + why : "")}",
            };
            output.WriteLine($"{meeting.Key}  {verdict}");
            foreach (var line in meeting)
            {
                output.WriteLine(string.Format(c, "    {0,-18} {1,10:N2}  {2}", line.Component, line.Amount, line.Reason));
            }
        }

        output.WriteLine(new string('-', 110));
        output.WriteLine(string.Format(c, "Earnings {0:N2}   Clawbacks {1:N2}   Adjustments {2:N2}   Net {3:N2} {4}", s.Totals.Earnings, s.Totals.Clawbacks, s.Totals.Adjustments, s.Totals.Net, s.Currency));
    }
}
