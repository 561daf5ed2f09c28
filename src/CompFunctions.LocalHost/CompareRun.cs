using System.Globalization;
using Azure.Storage.Blobs;
using CompFunctions.Core.Comparison;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Policies;
using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Http;
using CompFunctions.Pipeline.Policies;
using CompFunctions.Pipeline.Reports;
using CompFunctions.Pipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CompFunctions.LocalHost;

/// <summary>
/// <c>compare --periods 2026-11 --plans sdr-2026,pay-per-sao [--html PATH]</c>: the policy report
/// on the local storage (the same <c>.azurite/</c> as <c>demo</c> and the local host). It starts
/// Azurite and the local host, publishes any named plan (and its ruleset) that is not accepted yet
/// but has a sample in <c>samples/comp-config</c>, drops the sample export when none of the periods
/// has a meeting yet, then prints what each plan would pay and what the live policy's paid meetings
/// turned into, and can save the whole report as one HTML page. The ledger is never changed by it.
/// </summary>
internal static class CompareRun
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public const string Usage = "usage: dotnet run --project src/CompFunctions.LocalHost -- compare --periods 2026-11[,2026-10] --plans sdr-2026,pay-per-sao[,...] [--html PATH]";

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        string? Option(string name)
        {
            var at = Array.IndexOf(args, name);
            if (at < 0 || at + 1 >= args.Length)
            {
                return null;
            }

            var value = args[at + 1];
            args = [.. args[..at], .. args[(at + 2)..]];
            return value;
        }

        var periodList = Option("--periods");
        var planList = Option("--plans");
        var html = Option("--html");
        var periods = (periodList ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var plans = (planList ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();
        var problem = periods.Length == 0 || plans.Length == 0 ? "give --periods and --plans"
            : periods.FirstOrDefault(p => !CompPeriod.TryParse(p, out _)) is { } badPeriod ? $"'{badPeriod}' is not a month in the form YYYY-MM"
            : plans.FirstOrDefault(p => !Identifier.IsValid(p)) is { } badPlan ? $"plan id '{badPlan}' {Identifier.Describe(badPlan)}"
            : periods.Length > 12 || plans.Length > 10 ? "at most 12 periods and 10 plans"
            : null;
        if (problem is not null)
        {
            await Console.Error.WriteLineAsync($"compare: {problem}.\n{Usage}");
            return 2;
        }

        var months = periods.Select(CompPeriod.Parse).Distinct().Order().ToArray();
        await using var session = await LocalSession.StartAsync(args, output);
        var services = session.Services;
        var options = services.GetRequiredService<IOptions<CompensationOptions>>().Value;
        foreach (var planId in plans.Prepend(options.PlanId).Distinct(StringComparer.Ordinal))
        {
            if (!await EnsurePlanAsync(session, planId, output))
            {
                await Console.Error.WriteLineAsync($"compare: no version of plan '{planId}' is accepted and samples/comp-config/plans/{planId}.json does not exist; drop the plan into {Bindings.ConfigContainer}/plans/ first.");
                return 1;
            }
        }

        var ledger = services.GetRequiredService<LedgerReader>();
        if (await NoMeetingsAsync(ledger, months))
        {
            var name = $"samples/compare/{DateTime.UtcNow:yyyy/MM/dd/HHmmss}/meetings.csv";
            await session.DropSampleExportAsync(name, Deadline, output);
            using var http = new HttpClient { BaseAddress = new Uri(LocalHostApp.DefaultUrl) };
            foreach (var month in months)
            {
                foreach (var sdrId in (await ledger.MeetingsAsync(month, CancellationToken.None)).Select(m => m.SdrId).Distinct(StringComparer.Ordinal))
                {
                    await PipelineWaits.ForStatementAsync(http, month.ToString(), sdrId, Deadline);
                }
            }
        }

        var reports = services.GetRequiredService<PolicyReports>();
        var (comparison, _) = await reports.CompareAsync(months, plans, CancellationToken.None);
        var measures = new List<PeriodMeasure>();
        foreach (var month in months)
        {
            measures.Add(await reports.MeasureAsync(month, CancellationToken.None));
        }

        PrintComparison(comparison!, string.Join(", ", months), output);
        foreach (var measure in measures)
        {
            PrintMeasure(measure, output);
        }

        if (html is not null)
        {
            var report = new PolicyReport(months.Select(m => m.ToString()).ToArray(), comparison, measures, services.GetRequiredService<TimeProvider>().GetUtcNow());
            await File.WriteAllTextAsync(html, PolicyReportHtml.Render(report));
            await output.WriteLineAsync($"Saved the report to {html}.");
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync($"Over HTTP while the host runs: curl -X POST {LocalHostApp.DefaultUrl}/api/compare -d '{{\"periods\": [\"{months[0]}\"], \"plans\": [\"{plans[0]}\"]}}' and curl {LocalHostApp.DefaultUrl}/api/measure/{months[0]} (add ?format=html for the page).");
        return 0;
    }

    /// <summary>True when the plan and its ruleset are accepted, publishing the samples of whichever is missing.</summary>
    private static async Task<bool> EnsurePlanAsync(LocalSession session, string planId, TextWriter output)
    {
        var store = session.Services.GetRequiredService<PolicyStore>();
        var samplePlan = Path.Combine(session.Root, "samples", "comp-config", "plans", planId + ".json");
        if ((await store.PlanVersionsAsync(planId, CancellationToken.None)).Count > 0)
        {
            return true;
        }

        if (!File.Exists(samplePlan))
        {
            return false;
        }

        var json = await File.ReadAllTextAsync(samplePlan);
        var rulesetId = PolicyDocuments.ParsePlan(json, $"plans/{planId}.json", session.Services.GetRequiredService<EvaluationContext>()).Ruleset;
        if ((await store.RulesetVersionsAsync(rulesetId, CancellationToken.None)).Count == 0)
        {
            await PublishAsync(session, $"rulesets/{rulesetId}.json", output);
        }

        await PublishAsync(session, $"plans/{planId}.json", output);
        return true;
    }

    private static async Task PublishAsync(LocalSession session, string name, TextWriter output)
    {
        var path = Path.Combine(session.Root, "samples", "comp-config", name);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{name} is not accepted and there is no sample of it in samples/comp-config.");
        }

        var report = await PipelineWaits.PublishPolicyAsync(session.Services.GetRequiredService<BlobServiceClient>(), name, await File.ReadAllTextAsync(path), Deadline);
        if (report.Status == PolicyDocumentStatus.Rejected)
        {
            throw new InvalidOperationException($"The sample {name} was rejected: {string.Join("; ", report.Problems)}");
        }

        await output.WriteLineAsync($"Policy: published the sample {Bindings.ConfigContainer}/{name} → {report.Kind} {report.Id} v{report.Version}, {report.Status.Replace('_', ' ')}.");
    }

    private static async Task<bool> NoMeetingsAsync(LedgerReader ledger, IEnumerable<CompPeriod> months)
    {
        foreach (var month in months)
        {
            if ((await ledger.MeetingsAsync(month, CancellationToken.None)).Count > 0)
            {
                return false;
            }
        }

        return true;
    }

    private static void PrintComparison(ComparisonResult comparison, string months, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Policies compared on the meetings of {months} (computed in memory; the ledger is not changed)");
        output.WriteLine(new string('-', 128));
        output.WriteLine(string.Format(C, "{0,-22} {1,14} {2,9} {3,9} {4,10} {5,10} {6,10} {7,12} {8,12} {9,13}", "policy", "cost", "paid", "qualified", "per paid", "per qual.", "per opp.", "pipeline", "won", "cost per won$"));
        foreach (var p in comparison.Policies)
        {
            output.WriteLine(string.Format(C, "{0,-22} {1,14} {2,9} {3,9} {4,10} {5,10} {6,10} {7,12:N2} {8,12:N2} {9,13}",
                p.Policy, $"{p.Cost:N2} {p.Currency}", $"{p.MeetingsPaid}/{p.Meetings}", p.MeetingsQualified, Amount(p.CostPerPaidMeeting), Amount(p.CostPerQualifiedMeeting), Amount(p.CostPerOpportunity), p.Pipeline, p.ClosedWonRevenue, p.CostPerClosedWonDollar?.ToString("0.0000", C) ?? "—"));
        }

        var baseline = comparison.Policies.FirstOrDefault()?.Policy;
        output.WriteLine();
        output.WriteLine($"{comparison.Changes.Count} meeting(s) paid differently than under {baseline}:");
        foreach (var c in comparison.Changes.Take(15))
        {
            output.WriteLine(string.Format(C, "  {0,-8} {1,-9} {2,-20} {3,10:N2} -> {4,10:N2}  {5}", c.MeetingId, c.SdrId, c.ToPolicy, c.FromAmount, c.ToAmount, Clip(c.ToVerdict, 60)));
        }

        if (comparison.Changes.Count > 15)
        {
            output.WriteLine($"  … and {comparison.Changes.Count - 15} more (all of them in --html or POST /api/compare).");
        }
    }

    private static void PrintMeasure(PeriodMeasure m, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Live policy, {m.Period} (as of {m.AsOf:yyyy-MM-dd}): {m.Spend.ToString("N2", C)} {m.Currency} in the statements; what the paid meetings turned into, by qualification path");
        output.WriteLine(new string('-', 128));
        output.WriteLine(string.Format(C, "{0,-16} {1,8} {2,6} {3,12} {4,10} {5,10} {6,10} {7,12} {8,12} {9,10} {10,10}", "path", "meetings", "paid", "cost", "SAO", "opp.", "won", "pipeline", "revenue", "pipe/$", "rev/$"));
        foreach (var r in m.ByPath.Append(m.Total))
        {
            output.WriteLine(string.Format(C, "{0,-16} {1,8} {2,6} {3,12:N2} {4,10} {5,10} {6,10} {7,12:N2} {8,12:N2} {9,10} {10,10}",
                r.Key, r.Meetings, r.Paid, r.Cost, Rate(r.Sao, r.SaoRate), Rate(r.Opportunities, r.OpportunityRate), Rate(r.ClosedWon, r.ClosedWonRate), r.Pipeline, r.ClosedWonRevenue, Amount(r.PipelinePerPay), Amount(r.RevenuePerPay)));
        }

        foreach (var b in m.Budgets)
        {
            output.WriteLine((b.IsWarning ? "WARNING: " : "Budget: ") + b.Summary);
        }

        if (m.Budgets.Count == 0)
        {
            output.WriteLine("Budget: none configured for this month (Compensation:Budgets).");
        }

        foreach (var note in m.Notes)
        {
            output.WriteLine("Note: " + note);
        }
    }

    private static string Amount(decimal? value) => value?.ToString("N2", C) ?? "—";

    private static string Rate(int count, decimal? rate) => rate is { } r ? string.Create(C, $"{count} ({r * 100m:0}%)") : count.ToString(C);

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
