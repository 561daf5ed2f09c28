namespace CompFunctions.Core.Meetings;

/// <summary>
/// The company's opportunity stages in the order a deal moves through them (configuration; the
/// CRM's stage names vary). Names are compared case-insensitively. A stage not in the list, such
/// as <c>Closed Lost</c>, is no progress: it never counts as "reaching" anything.
/// </summary>
public sealed class StageOrder
{
    private readonly string[] _stages;

    public StageOrder(IEnumerable<string> stages)
    {
        _stages = stages.Select(s => s.Trim()).ToArray();
        if (_stages.Length == 0 || _stages.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("The stage order needs at least one non-empty stage name.", nameof(stages));
        }

        var duplicate = _stages.GroupBy(s => s, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Stage '{duplicate.Key}' appears twice in the stage order.", nameof(stages));
        }
    }

    public static StageOrder Default { get; } = new(["Discovery", "Demo", "Proposal", "Negotiation", "Closed Won"]);

    public IReadOnlyList<string> Stages => _stages;

    /// <summary>Position in the order, or -1 for a name that is not a progression stage.</summary>
    public int RankOf(string? stage) =>
        stage is null ? -1 : Array.FindIndex(_stages, s => string.Equals(s, stage.Trim(), StringComparison.OrdinalIgnoreCase));

    public bool Contains(string? stage) => RankOf(stage) >= 0;

    /// <summary>The canonical spelling of the furthest of the given stages, or null when none is a progression stage.</summary>
    public string? Furthest(params string?[] stages)
    {
        var best = stages.Select(RankOf).DefaultIfEmpty(-1).Max();
        return best < 0 ? null : _stages[best];
    }

    /// <summary>True when <paramref name="reached"/> is at or beyond <paramref name="threshold"/>.</summary>
    public bool HasReached(string? reached, string threshold)
    {
        var rank = RankOf(reached);
        return rank >= 0 && rank >= RankOf(threshold);
    }
}
