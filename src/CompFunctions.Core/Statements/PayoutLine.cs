using CompFunctions.Core.Meetings;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;
using CompFunctions.Core.Text;

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
/// <remarks>The explanation is formatted when first read (see <see cref="LazyText"/>).</remarks>
public sealed record QualificationSummary(bool Qualified, string? By, IReadOnlyList<string> FailedCriteria, string? DisqualifiedBy, string? Explanation = null)
{
    private LazyText? _explanation = LazyText.From(Explanation);

    public string? Explanation { get => _explanation?.Value; init => _explanation = LazyText.From(value); }

    public static QualificationSummary From(Verdict verdict) =>
        new(verdict.Qualified, verdict.By, verdict.FailedCriteria, verdict.DisqualifiedBy?.Disqualifier)
        {
            _explanation = LazyText.Of(verdict, static v => v.Explanation),
        };
}

/// <summary>
/// One line of a payout statement: an amount for one meeting and one plan component, with the
/// reason, the verdict, the policy versions that produced it and the export row it came from.
/// <see cref="LineId"/> is deterministic (<c>{meetingId}:{component}</c>), so re-evaluating the
/// same meeting rewrites the same line instead of adding one. <see cref="Reason"/> is formatted
/// when first read (see <see cref="LazyText"/>).
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
    private LazyText? _reason = LazyText.From(Reason);

    public string Reason { get => _reason?.Value!; init => _reason = LazyText.From(value); }

    /// <summary>Sets the reason as it is kept, so that it is formatted only when read.</summary>
    internal LazyText? ReasonText { init => _reason = value; }
    /// <summary>The meeting's account, so a rep recognises the meeting (from the export; may be absent).</summary>
    public string? Account { get; init; }

    /// <summary>The local day the meeting was booked, which decides its period and the policy versions.</summary>
    public DateOnly? BookedOn { get; init; }

    public static string IdFor(string meetingId, string component) => $"{meetingId}:{component}";
}
