using BenchmarkDotNet.Attributes;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Export;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Plans;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;
using CompFunctions.LocalHost;

namespace CompFunctions.Benchmarks;

/// <summary>
/// The core's unit of work: one SDR's month of meetings (the generator's mix) through the sample
/// ruleset and plan, the way the queue-triggered evaluation runs it. Reported per meeting.
/// </summary>
[MemoryDiagnoser]
public class CoreEvaluationBenchmark
{
    private PeriodEvaluator _evaluator = null!;
    private IReadOnlyList<Meeting> _meetings = [];
    private IReadOnlyList<Meeting> _earlier = [];

    /// <summary>One busy SDR's month; BenchmarkDotNet divides time and allocation by it, so the figures are per meeting.</summary>
    public const int Meetings = 1000;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _evaluator = SampleEvaluator(out var context);
        (_meetings, _earlier) = await SampleMonthAsync(context);
    }

    /// <summary>The sample plan and its ruleset, as the pipeline loads them.</summary>
    internal static PeriodEvaluator SampleEvaluator(out EvaluationContext context)
    {
        context = new EvaluationContext(new CompanyCalendar("America/Los_Angeles"), StageOrder.Default);
        var root = RepositoryRoot.Find();
        string Read(string name) => File.ReadAllText(Path.Combine(root, "samples", "comp-config", name));
        var plan = PolicyDocuments.ParsePlan(Read("plans/sdr-2026.json"), "plans/sdr-2026.json", context);
        var ruleset = PolicyDocuments.ParseRuleset(Read($"rulesets/{plan.Ruleset}.json"), $"rulesets/{plan.Ruleset}.json", context);
        return new PeriodEvaluator(PolicySet.ForPlan(new PolicyVersions<CompPlan>([plan]), new Dictionary<string, PolicyVersions<Ruleset>> { [plan.Ruleset] = new([ruleset]) }), context);
    }

    /// <summary>One SDR's <see cref="Meetings"/> November meetings, and the month before (duplicates and paid-once look back at it).</summary>
    internal static async Task<(Meeting[] Month, Meeting[] Earlier)> SampleMonthAsync(EvaluationContext context)
    {
        var all = await MeetingsAsync(new GeneratorOptions { Rows = Meetings * 3, Sdrs = 1, Days = 50, AsOf = new DateOnly(2026, 11, 26) });
        var november = new CompPeriod(2026, 11);
        var month = all.Where(m => context.Calendar.PeriodOf(m.BookedAt) == november).Take(Meetings).ToArray();
        if (month.Length != Meetings)
        {
            throw new InvalidOperationException($"Expected {Meetings} November meetings, generated {month.Length}.");
        }

        return (month, all.Where(m => context.Calendar.PeriodOf(m.BookedAt) == november.Previous()).ToArray());
    }

    [Benchmark(OperationsPerInvoke = Meetings)]
    public int EvaluateSdrMonth() => _evaluator.Evaluate("sdr-g000", new CompPeriod(2026, 11), _meetings, _earlier).Meetings.Count;

    /// <summary>
    /// The evaluation, then every text the pipeline stores: each line's reason and verdict
    /// explanation, each verdict's, path's and criterion's explanation. Reasons are formatted when
    /// first read, so this is what an SDR month costs when its lines and verdicts are written.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Meetings)]
    public int EvaluateSdrMonthAndReadEveryText()
    {
        var length = 0;
        foreach (var evaluation in _evaluator.Evaluate("sdr-g000", new CompPeriod(2026, 11), _meetings, _earlier).Meetings)
        {
            foreach (var line in evaluation.Lines)
            {
                length += line.Reason.Length + (line.Qualification.Explanation?.Length ?? 0);
            }

            if (evaluation.Verdict is { } verdict)
            {
                length += verdict.Explanation.Length + (verdict.DisqualifiedBy?.Explanation.Length ?? 0);
                foreach (var path in verdict.Paths)
                {
                    length += path.Explanation.Length;
                    foreach (var criterion in path.Criteria)
                    {
                        length += criterion.Observed.Length + criterion.Expected.Length + criterion.Explanation.Length;
                    }
                }
            }
        }

        return length;
    }

    internal static async Task<List<Meeting>> MeetingsAsync(GeneratorOptions options)
    {
        var csv = new StringWriter();
        await ExportGenerator.WriteAsync(csv, options);
        using var reader = await CrmExportReader.OpenAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv.ToString())), "generated.csv", CancellationToken.None);
        var meetings = new List<Meeting>();
        await foreach (var row in reader.ReadRowsAsync(CancellationToken.None))
        {
            meetings.Add(row is AcceptedRow accepted ? accepted.Meeting : throw new InvalidDataException($"Generated row {row.Line} was quarantined."));
        }

        return meetings;
    }
}
