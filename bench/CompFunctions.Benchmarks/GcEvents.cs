using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace CompFunctions.Benchmarks;

/// <summary>
/// <c>--gc-events</c>: listens to the runtime's garbage-collector events in this process and says,
/// per night, what triggered the collections (generation, reason) and which types the allocations
/// were (the runtime reports one allocation tick per ~100 KB allocated, with the type of the object
/// that crossed it: a sample, weighted by bytes). Large-object-heap allocations are listed apart:
/// they can start full collections of their own (the reason says whether they did).
/// </summary>
internal sealed class GcEvents : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private static readonly string[] Reasons =
        ["small object allocation", "induced", "low memory", "empty", "large object allocation", "out of space (small)", "out of space (large)", "induced, not forced", "internal", "induced, low memory", "induced, compacting", "low memory (host)", "PM full GC", "low memory (host), blocking", "bgc stepping", "bgc tuning"];

    private readonly ConcurrentDictionary<(int Generation, string Reason), int> _collections = new();
    private readonly ConcurrentDictionary<(bool Large, string Type), long> _allocated = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCStart", StringComparison.Ordinal) == true)
        {
            var generation = Convert.ToInt32(Value(e, "Depth"), CultureInfo.InvariantCulture);
            var reason = Convert.ToInt32(Value(e, "Reason"), CultureInfo.InvariantCulture);
            _collections.AddOrUpdate((generation, reason < Reasons.Length ? Reasons[reason] : reason.ToString(CultureInfo.InvariantCulture)), 1, (_, n) => n + 1);
        }
        else if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true)
        {
            var large = Convert.ToInt32(Value(e, "AllocationKind"), CultureInfo.InvariantCulture) == 1;
            var type = Value(e, "TypeName") as string ?? "?";
            var bytes = Value(e, "AllocationAmount64") is { } amount ? Convert.ToInt64(amount, CultureInfo.InvariantCulture) : 100_000;
            _allocated.AddOrUpdate((large, type), bytes, (_, n) => n + bytes);
        }
    }

    private static object? Value(EventWrittenEventArgs e, string name)
    {
        var index = e.PayloadNames?.IndexOf(name) ?? -1;
        return index >= 0 ? e.Payload![index] : null;
    }

    /// <summary>Forgets what was seen so far.</summary>
    public void Reset()
    {
        _collections.Clear();
        _allocated.Clear();
    }

    /// <summary>The sampled bytes of small objects by type, since the last reset or report.</summary>
    public (string Type, long Bytes)[] SmallAllocations() =>
        [.. _allocated.Where(a => !a.Key.Large).Select(a => (a.Key.Type, a.Value))];

    /// <summary>Writes what was seen since the last report, and starts again.</summary>
    public async Task ReportAsync(string night, TextWriter output)
    {
        var collections = _collections.ToArray();
        var allocated = _allocated.ToArray();
        _collections.Clear();
        _allocated.Clear();
        await output.WriteLineAsync($"Garbage collections, {night}: " + string.Join("; ", collections
            .OrderByDescending(c => c.Key.Generation).ThenByDescending(c => c.Value)
            .Select(c => $"gen {c.Key.Generation} for {c.Key.Reason}: {c.Value:N0}")));
        foreach (var large in new[] { true, false })
        {
            var total = allocated.Where(a => a.Key.Large == large).Sum(a => a.Value);
            await output.WriteLineAsync($"  {(large ? "large" : "small")} object allocations, ~{total / 1e6:N0} MB sampled; most:");
            foreach (var a in allocated.Where(a => a.Key.Large == large).OrderByDescending(a => a.Value).Take(12))
            {
                await output.WriteLineAsync($"    {a.Value / 1e6,8:N1} MB  {a.Key.Type}");
            }
        }
    }
}
