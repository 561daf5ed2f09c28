using CompFunctions.Core.Meetings;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;

namespace CompFunctions.Core.Statements;

public enum LineKind
{
    /// <summary>Money earned in the period (zero when a component looked at the meeting and paid nothing; the reason says why).</summary>
    Earning,

    /// <summary>Money taken back (negative).</summary>
    Clawback,

    /// <summary>A correction to a locked period, booked in a later open one.</summary>
    Adjustment,
}

/// <summary>The qualification verdict as a statement line carries it.</summary>
public sealed record QualificationSummary(bool Qualified, string? By, IReadOnlyList<string> FailedCriteria, string? DisqualifiedBy, string? Explanation = null)
{
    public static QualificationSummary From(Verdict verdict) =>
        new(verdict.Qualified, verdict.By, verdict.FailedCriteria, verdict.DisqualifiedBy?.Disqualifier, verdict.Explanation);
}

/// <summary>
/// One line of a payout statement: an amount for one meeting and one plan component, with the
/// reason, the verdict, the policy versions that produced it and the export row it came from.
/// <see cref="LineId"/> is deterministic (<c>{meetingId}:{component}</c>), so re-evaluating the
/// same meeting rewrites the same line instead of adding one.
/// </summary>
public sealed record PayoutLine(
    string LineId,
    string MeetingId,
    LineKind Kind,
    string Component,
    Money.Money Amount,
    string Reason,
    IReadOnlyList<string> ReasonCodes,
    QualificationSummary Qualification,
    DocumentRef Plan,
    DocumentRef Ruleset,
    SourceRef Source,
    string? Adjusts)
{
    /// <summary>The meeting's account, so a rep recognises the meeting (from the export; may be absent).</summary>
    public string? Account { get; init; }

    /// <summary>The local day the meeting was booked, which decides its period and the policy versions.</summary>
    public DateOnly? BookedOn { get; init; }

    public static string IdFor(string meetingId, string component) => $"{meetingId}:{component}";
}
