namespace CompFunctions.Core.Qualification;

/// <summary>What one criterion decided about one meeting, and why, in words a rep understands.</summary>
public sealed record CriterionOutcome(string Criterion, bool Passed, string ReasonCode, string Explanation);

/// <summary>
/// Whether a meeting counts as qualified. <see cref="By"/> names the rule that qualified it (null
/// when none did); <see cref="FailedCriteria"/> lists the criteria that failed when it is not.
/// </summary>
public sealed record Verdict(
    bool Qualified,
    string? By,
    IReadOnlyList<string> FailedCriteria,
    IReadOnlyList<CriterionOutcome> Outcomes)
{
    /// <summary>One sentence: "qualified by rule 'icp'" or the failed criteria's explanations.</summary>
    public string Explanation => Qualified
        ? $"qualified by rule '{By}'"
        : "not qualified: " + string.Join("; ", Outcomes.Where(o => !o.Passed).Select(o => o.Explanation).Distinct());
}
