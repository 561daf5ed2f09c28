using System.Text.Json;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Pipeline.Storage;

namespace CompFunctions.Pipeline.Evaluation;

/// <summary>
/// The queue message asking for periods of one SDR to be evaluated again:
/// <c>{"sdrId": "sdr-ana", "periods": ["2026-10", "2026-11"], "runId": "…"}</c>. Messages of
/// earlier versions name one period (<c>"period": "2026-11"</c>) and still parse.
/// </summary>
/// <remarks>
/// One message carries an SDR's periods, not one period, because each period's evaluation reads
/// the period before it (duplicate and paid-once checks look back): evaluated in order, each month
/// is read once instead of twice, and a night sends, receives and deletes a message per SDR instead
/// of per SDR month. The statement — one SDR and period — stays the unit that is written and
/// checked; the SDR is the unit of scale (hundreds of messages a night, plenty to spread over
/// instances). A message holds at most <see cref="MaxPeriods"/> periods, so a requeue of years
/// stays a series of bounded pieces of work.
/// </remarks>
public sealed record EvaluationRequest(string SdrId, IReadOnlyList<string> Periods, string? RunId)
{
    /// <summary>The most periods one message asks for.</summary>
    public const int MaxPeriods = 12;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(new Wire(SdrId, null, Periods, RunId), Json);

    /// <summary>
    /// The messages for a set of <c>{period}|{sdrId}</c> partitions: one per SDR (its periods in
    /// order, cut every <see cref="MaxPeriods"/>), in SDR order.
    /// </summary>
    public static IEnumerable<EvaluationRequest> For(IEnumerable<string> partitions, string? runId) =>
        partitions
            .Select(Tables.SplitSdrPeriodKey)
            .GroupBy(p => p.SdrId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => g.Select(p => p.Period).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
                .Chunk(MaxPeriods)
                .Select(periods => new EvaluationRequest(g.Key, periods, runId)));

    /// <summary>Parses and checks a message; a malformed one is reported, not retried. <paramref name="periods"/> come out distinct and in order.</summary>
    public static bool TryParse(string message, out EvaluationRequest? request, out CompPeriod[] periods, out string? problem)
    {
        request = null;
        periods = [];
        Wire? wire;
        try
        {
            wire = JsonSerializer.Deserialize<Wire>(message, Json);
        }
        catch (JsonException ex)
        {
            problem = $"not JSON: {ex.Message}";
            return false;
        }

        const string Expected = "expected {\"sdrId\": \"<id>\", \"periods\": [\"YYYY-MM\", …]} with at most 12 periods";
        var texts = wire is null ? [] : (wire.Periods ?? []).Concat(wire.Period is null ? [] : [wire.Period]).ToArray();
        var parsed = new SortedSet<CompPeriod>();
        foreach (var text in texts)
        {
            if (!CompPeriod.TryParse(text, out var period))
            {
                problem = $"\"{text}\" is not a period (YYYY-MM); {Expected}";
                return false;
            }

            parsed.Add(period);
        }

        if (wire is null || !Identifier.IsValid(wire.SdrId) || parsed.Count is 0 or > MaxPeriods)
        {
            problem = Expected;
            return false;
        }

        periods = [.. parsed];
        request = new EvaluationRequest(wire.SdrId!, [.. periods.Select(p => p.ToString())], wire.RunId);
        problem = null;
        return true;
    }

    /// <summary>The message as JSON: <c>period</c> is only read (messages of earlier versions), never written.</summary>
    private sealed record Wire(
        string? SdrId,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Period,
        IReadOnlyList<string>? Periods,
        string? RunId);
}
