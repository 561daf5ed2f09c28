using CompFunctions.Core.Qualification;

namespace CompFunctions.Pipeline.Http;

/// <summary>A whole verdict as the meeting endpoint serves it and the <c>verdicts</c> table keeps it.</summary>
public sealed record VerdictDocument(
    bool Qualified,
    string? By,
    DisqualificationDocument? DisqualifiedBy,
    IReadOnlyList<string> FailedCriteria,
    string Explanation,
    DocumentRefDocument Ruleset,
    IReadOnlyList<PathDocument> Paths)
{
    public static VerdictDocument From(Verdict v) => new(
        v.Qualified,
        v.By,
        v.DisqualifiedBy is { } d ? new DisqualificationDocument(d.Disqualifier, d.ReasonCode, d.Explanation) : null,
        v.FailedCriteria,
        v.Explanation,
        new DocumentRefDocument(v.Ruleset.Id, v.Ruleset.Version),
        v.Paths.Select(p => new PathDocument(
            p.Path, p.Passed, p.ReasonCode, p.Explanation,
            p.Criteria.Select(c => new CriterionDocument(c.Criterion, c.Passed, c.Required, c.ReasonCode, c.Observed, c.Expected, c.Explanation)).ToArray())).ToArray());

    /// <summary>The verdict this document holds, its explanation included as it is written here.</summary>
    public Verdict ToVerdict() => new(
        Qualified,
        By,
        DisqualifiedBy is { } d ? new Disqualification(d.Disqualifier, d.ReasonCode, d.Explanation) : null,
        FailedCriteria,
        Paths.Select(p => new PathOutcome(
            p.Path, p.Passed, p.ReasonCode, p.Explanation,
            p.Criteria.Select(c => new CriterionOutcome(c.Criterion, c.Passed, c.Required, c.ReasonCode, c.Observed, c.Expected, c.Explanation)).ToArray())).ToArray(),
        new Core.Policies.DocumentRef(Ruleset.Id, Ruleset.Version))
    {
        Explanation = Explanation,
    };
}

public sealed record DisqualificationDocument(string Disqualifier, string ReasonCode, string Explanation);

public sealed record PathDocument(string Path, bool Passed, string ReasonCode, string Explanation, IReadOnlyList<CriterionDocument> Criteria);

public sealed record CriterionDocument(string Criterion, bool Passed, bool Required, string ReasonCode, string Observed, string Expected, string Explanation);
