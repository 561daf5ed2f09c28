using System.Globalization;

namespace CompFunctions.Benchmarks;

/// <summary>
/// <c>core-types</c>: where the core's bytes per meeting go, by type. Evaluates the benchmark's SDR
/// month (see <see cref="CoreEvaluationBenchmark"/>) many times while listening to the runtime's
/// allocation ticks (one per ~100 KB, with the type of the object that crossed it: a sample
/// weighted by bytes), and reports each type's share of the bytes allocated per meeting. The total
/// is the runtime's own count and exact; the shares are estimates, and arrays larger than an
/// allocation context (~8 KB: the month's index tables) come out above their true share, since a
/// tick is taken when a context is refilled.
/// </summary>
internal static class CoreAllocations
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var options = LocalHost.GenerateCommand.Options.Parse(args);
        var months = options.Int("months", 2_000);
        var readTexts = options.Text("read-texts") is "yes";
        var benchmark = new CoreEvaluationBenchmark();
        await benchmark.SetupAsync();
        Func<int> month = readTexts ? benchmark.EvaluateSdrMonthAndReadEveryText : benchmark.EvaluateSdrMonth;
        for (var i = 0; i < 50; i++)
        {
            month();
        }

        using var gc = new GcEvents();
        gc.Reset();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < months; i++)
        {
            month();
        }

        var meetings = (double)months * CoreEvaluationBenchmark.Meetings;
        var total = (GC.GetAllocatedBytesForCurrentThread() - before) / meetings;
        var sampled = gc.SmallAllocations();
        var sampledTotal = sampled.Sum(s => s.Bytes);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{total:N0} B allocated per meeting ({months:N0} months of {CoreEvaluationBenchmark.Meetings:N0} meetings{(readTexts ? ", every text read" : "")}); by type, estimated from the runtime's allocation ticks:"));
        foreach (var (type, bytes) in sampled.OrderByDescending(s => s.Bytes).Take(25))
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {total * bytes / sampledTotal,7:N1} B  {type}"));
        }

        return 0;
    }
}
