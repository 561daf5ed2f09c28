using CompFunctions.Core.Policies;

namespace CompFunctions.Core.Qualification;

/// <summary>
/// What one criterion decided about one meeting: pass or fail, whether it was required, the value
/// it looked at, what it wanted, and a sentence a rep understands.
/// </summary>
public sealed record CriterionOutcome(string Criterion, bool Passed, bool Required, string ReasonCode, string Observed, string Expected, string Explanation);

/// <summary>What one way of qualifying (a path) decided: passed or not, and why.</summary>
public sealed record PathOutcome(string Path, bool Passed, string ReasonCode, string Explanation, IReadOnlyList<CriterionOutcome> Criteria);

/// <summary>A rule that disqualifies a meeting whatever else is true (no-show, AE rejection, duplicate…).</summary>
public sealed record Disqualification(string Disqualifier, string ReasonCode, string Explanation);

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
    public IEnumerable<CriterionOutcome> Criteria => Paths.SelectMany(p => p.Criteria);

    /// <summary>One sentence a rep reads: why the meeting counts or does not.</summary>
    public string Explanation
    {
        get
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
}
