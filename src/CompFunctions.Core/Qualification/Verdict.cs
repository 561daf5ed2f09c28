using CompFunctions.Core.Policies;
using CompFunctions.Core.Text;

namespace CompFunctions.Core.Qualification;

/// <summary>
/// What one criterion decided about one meeting: pass or fail, whether it was required, the value
/// it looked at, what it wanted, and a sentence a rep understands.
/// </summary>
/// <remarks>The explanation is formatted when first read (see <see cref="LazyText"/>).</remarks>
public sealed record CriterionOutcome(string Criterion, bool Passed, bool Required, string ReasonCode, string Observed, string Expected, string Explanation)
{
    private LazyText? _explanation = LazyText.From(Explanation);

    internal CriterionOutcome(string criterion, bool passed, bool required, string reasonCode, string observed, string expected, LazyText explanation)
        : this(criterion, passed, required, reasonCode, observed, expected, "") => _explanation = explanation;

    public string Explanation { get => _explanation?.Value!; init => _explanation = LazyText.From(value); }
}

/// <summary>What one way of qualifying (a path) decided: passed or not, and why.</summary>
/// <remarks>
/// The explanation is formatted when first read (see <see cref="LazyText"/>). A path whose
/// sentence is made of its criteria's (the ideal customer profile) keeps only how to make it, a
/// static function of <see cref="Criteria"/>, instead of a text holding the criteria again: every
/// meeting has such an outcome. Two outcomes are equal when their parts and sentences are.
/// </remarks>
public sealed record PathOutcome(string Path, bool Passed, string ReasonCode, string Explanation, IReadOnlyList<CriterionOutcome> Criteria)
{
    // A LazyText, or a Func<IReadOnlyList<CriterionOutcome>, string> that makes it from the criteria (replaced by the text once read).
    private object? _explanation = LazyText.From(Explanation);

    internal PathOutcome(string path, bool passed, string reasonCode, LazyText explanation, IReadOnlyList<CriterionOutcome> criteria)
        : this(path, passed, reasonCode, "", criteria) => _explanation = explanation;

    /// <param name="explain">A static function with no culture-dependent formatting of its own (the criteria's sentences carry theirs).</param>
    internal PathOutcome(string path, bool passed, string reasonCode, Func<IReadOnlyList<CriterionOutcome>, string> explain, IReadOnlyList<CriterionOutcome> criteria)
        : this(path, passed, reasonCode, "", criteria) => _explanation = explain;

    public string Explanation
    {
        get
        {
            var explanation = _explanation;
            if (explanation is Func<IReadOnlyList<CriterionOutcome>, string> explain)
            {
                var text = LazyText.From(explain(Criteria))!;
                _explanation = text;
                return text.Value;
            }

            return ((LazyText?)explanation)?.Value!;
        }

        init => _explanation = LazyText.From(value);
    }

    public bool Equals(PathOutcome? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (string.Equals(Path, other.Path, StringComparison.Ordinal)
                && Passed == other.Passed
                && string.Equals(ReasonCode, other.ReasonCode, StringComparison.Ordinal)
                && EqualityComparer<IReadOnlyList<CriterionOutcome>>.Default.Equals(Criteria, other.Criteria)
                && string.Equals(Explanation, other.Explanation, StringComparison.Ordinal)));

    public override int GetHashCode() => HashCode.Combine(Path, Passed, ReasonCode, Criteria, Explanation);
}

/// <summary>A rule that disqualifies a meeting whatever else is true (no-show, AE rejection, duplicate…).</summary>
/// <remarks>The explanation is formatted when first read (see <see cref="LazyText"/>).</remarks>
public sealed record Disqualification(string Disqualifier, string ReasonCode, string Explanation)
{
    private LazyText? _explanation = LazyText.From(Explanation);

    internal Disqualification(string disqualifier, string reasonCode, LazyText explanation)
        : this(disqualifier, reasonCode, "") => _explanation = explanation;

    public string Explanation { get => _explanation?.Value!; init => _explanation = LazyText.From(value); }
}

/// <summary>
/// Whether a meeting counts as qualified, decided by one ruleset version. <see cref="By"/> names
/// the path that qualified it (<c>icp</c>, <c>ae_accepted</c>, <c>stage_reached</c>,
/// <c>exception</c>, <c>meeting_set</c>); <see cref="DisqualifiedBy"/> the disqualifier that
/// overrode every path; <see cref="FailedCriteria"/> the required criteria that failed.
/// </summary>
public sealed record Verdict(
    bool Qualified,
    string? By,
    Disqualification? DisqualifiedBy,
    IReadOnlyList<string> FailedCriteria,
    IReadOnlyList<PathOutcome> Paths,
    DocumentRef Ruleset)
{
    private Derived<Verdict, string> _explanation = new();
    private readonly string? _kept;

    public IEnumerable<CriterionOutcome> Criteria => Paths.SelectMany(p => p.Criteria);

    /// <summary>
    /// One sentence a rep reads: why the meeting counts or does not (made once, when first read).
    /// A verdict read back from storage keeps the sentence it was stored with (set it on creation).
    /// </summary>
    public string Explanation { get => _kept ?? _explanation.For(this, static v => v.Explain()); init => _kept = value; }

    private string Explain()
    {
        if (DisqualifiedBy is { } d)
        {
            return $"disqualified: {d.Explanation}";
        }

        if (Qualified)
        {
            return $"qualified: {Paths.First(p => p.Path == By).Explanation}";
        }

        return "not qualified: " + string.Join("; ", Paths.Select(p => p.Explanation).Distinct());
    }
}
