using Azure.Data.Tables;
using BenchmarkDotNet.Attributes;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Storage;

namespace CompFunctions.Benchmarks;

/// <summary>
/// What the queue-triggered evaluation spends on one SDR month besides storage round trips: the
/// month's row decoded into meetings, the evaluation, the statement row encoded (JSON, gzip,
/// digest). On a 1%-changed night nearly every SDR month is evaluated again, so this, times the
/// months, is the app's share of that night. Reported per meeting.
/// </summary>
[MemoryDiagnoser]
public class SdrMonthBenchmark
{
    private static readonly CompPeriod November = new(2026, 11);
    private PeriodEvaluator _evaluator = null!;
    private TableEntity _monthRow = null!;
    private Meeting[] _meetings = [];
    private Meeting[] _earlier = [];
    private PeriodEvaluation _evaluated = null!;
    private PeriodEvaluation _evaluatedChanged = null!;
    private StatementHead _stored = null!;

    /// <summary>A busy SDR's month (a 1,000,000-row export has ~580 meetings per SDR month); figures are per meeting.</summary>
    public const int Meetings = CoreEvaluationBenchmark.Meetings;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _evaluator = CoreEvaluationBenchmark.SampleEvaluator(out var context);
        (var month, _earlier) = await CoreEvaluationBenchmark.SampleMonthAsync(context);
        _monthRow = MeetingPacks.ToRow(Partition, month);
        _meetings = MeetingPacks.FromRow(_monthRow);
        _evaluated = _evaluator.Evaluate("sdr-g000", November, _meetings, _earlier);
        _stored = StatementStore.HeadOf(StatementStore.Encode(Partition, _evaluated, null).Row); // formats every text it holds
        var changed = _meetings.ToArray();
        var held = Array.FindIndex(changed, m => m.Status == MeetingStatus.Held);
        changed[held] = changed[held] with { Status = MeetingStatus.NoShow };
        _evaluatedChanged = _evaluator.Evaluate("sdr-g000", November, changed, _earlier);
        StatementStore.Encode(Partition, _evaluatedChanged, null);
    }

    private static string Partition => Tables.SdrPeriodKey(November, "sdr-g000");

    /// <summary>The month's row (gzipped JSON) into meetings.</summary>
    [Benchmark(OperationsPerInvoke = Meetings)]
    public int DecodeMonth() => MeetingPacks.FromRow(_monthRow).Length;

    /// <summary>Evaluated and encoded as the statement row the evaluation writes (its texts formatted on the way).</summary>
    [Benchmark(OperationsPerInvoke = Meetings)]
    public int EvaluateAndEncodeStatement() =>
        StatementStore.Encode(Partition, _evaluator.Evaluate("sdr-g000", November, _meetings, _earlier), null).Digest.Length;

    /// <summary>
    /// The encoding alone, of an evaluation whose texts are already formatted: JSON written, gzipped,
    /// hashed. (The core benchmark's <c>EvaluateSdrMonthAndReadEveryText</c> is the evaluation with the texts formatted.)
    /// </summary>
    [Benchmark(OperationsPerInvoke = Meetings)]
    public int EncodeStatement() => StatementStore.Encode(Partition, _evaluated, null).Digest.Length;

    /// <summary>The same evaluation against its own stored row: fingerprinted, nothing written.</summary>
    [Benchmark(OperationsPerInvoke = Meetings)]
    public int EncodeUnchangedStatement() => StatementStore.Encode(Partition, _evaluated, _stored).SegmentsWritten;

    /// <summary>One meeting of the month turned from held to no-show since the stored row: fingerprinted, its segment written.</summary>
    [Benchmark(OperationsPerInvoke = Meetings)]
    public int EncodeStatementOneMeetingChanged() => StatementStore.Encode(Partition, _evaluatedChanged, _stored).SegmentsWritten;

    /// <summary>All of it, as one month of an evaluation message costs (the month before is read once per message and not counted).</summary>
    [Benchmark(OperationsPerInvoke = Meetings)]
    public int DecodeEvaluateEncode() =>
        StatementStore.Encode(Partition, _evaluator.Evaluate("sdr-g000", November, MeetingPacks.FromRow(_monthRow), _earlier), null).Digest.Length;
}
