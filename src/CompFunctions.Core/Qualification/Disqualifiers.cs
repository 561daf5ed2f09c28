using System.Text.Json.Serialization;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Text;

namespace CompFunctions.Core.Qualification;

/// <summary>
/// A rule that disqualifies a meeting whatever path it would qualify by. The JSON <c>type</c>
/// names the class. <paramref name="Others"/> holds the SDR's other meetings of the period and of
/// the period before (what duplicate detection compares against).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(NoShowDisqualifier), "no_show")]
[JsonDerivedType(typeof(CancelledDisqualifier), "cancelled")]
[JsonDerivedType(typeof(AeRejectedDisqualifier), "ae_rejected")]
[JsonDerivedType(typeof(DuplicateAccountDisqualifier), "duplicate_account")]
public abstract record Disqualifier
{
    public abstract Disqualification? Check(Meeting meeting, IReadOnlyList<Meeting> others, EvaluationContext context);

    public virtual IEnumerable<string> Validate() => [];
}

/// <summary>A meeting the prospect did not attend never qualifies (no-show is not the same as unqualified; it is worse).</summary>
public sealed record NoShowDisqualifier : Disqualifier
{
    public override Disqualification? Check(Meeting meeting, IReadOnlyList<Meeting> others, EvaluationContext context) =>
        meeting.Status == MeetingStatus.NoShow
            ? new("no_show", "MEETING_NO_SHOW", LazyText.Of((context, meeting.ScheduledFor), static p => $"no-show on {p.context.LocalDateText(p.ScheduledFor)}"))
            : null;
}

public sealed record CancelledDisqualifier : Disqualifier
{
    public override Disqualification? Check(Meeting meeting, IReadOnlyList<Meeting> others, EvaluationContext context) =>
        meeting.Status == MeetingStatus.Cancelled
            ? new("cancelled", "MEETING_CANCELLED", LazyText.Of((context, meeting.ScheduledFor), static p => $"the meeting for {p.context.LocalDateText(p.ScheduledFor)} was cancelled"))
            : null;
}

/// <summary>The AE rejected the meeting with one of <see cref="Reasons"/> (any reason when the list is absent).</summary>
public sealed record AeRejectedDisqualifier(IReadOnlyList<string>? Reasons = null) : Disqualifier
{
    private Derived<AeRejectedDisqualifier, string[]> _reasons = new();

    public override Disqualification? Check(Meeting meeting, IReadOnlyList<Meeting> others, EvaluationContext context)
    {
        if (meeting.AeDecision != AeDecision.Rejected)
        {
            return null;
        }

        var reason = meeting.RejectionReason;
        if (Reasons is null)
        {
            return new("ae_rejected", "AE_REJECTED", LazyText.Of(reason, static r => $"the AE rejected it{(r is null ? "" : $" (\"{r}\")")}"));
        }

        return reason is not null && Normalized.IsOneOf(reason, _reasons.For(this, static d => d.Reasons!.Select(Normalized.Of).ToArray()))
            ? new("ae_rejected", "AE_REJECTED", LazyText.Of(reason, static r => $"the AE rejected it as \"{r}\""))
            : null;
    }

    public override IEnumerable<string> Validate()
    {
        if (Reasons is { Count: 0 } || (Reasons?.Any(string.IsNullOrWhiteSpace) ?? false))
        {
            yield return "ae_rejected: 'reasons' must list non-empty reasons, or be left out to count any rejection";
        }
    }
}

/// <summary>
/// A second meeting the SDR booked with the same account within <see cref="WithinDays"/> days is
/// a duplicate: the earlier one counts (unless it was cancelled). Accounts are compared by name,
/// ignoring case, accents and punctuation.
/// </summary>
public sealed record DuplicateAccountDisqualifier(int WithinDays) : Disqualifier
{
    public override Disqualification? Check(Meeting meeting, IReadOnlyList<Meeting> others, EvaluationContext context)
    {
        var account = meeting.AccountName;
        if (Normalized.IsEmpty(account))
        {
            return null;
        }

        // The first, by booking time, of the earlier meetings with the same account within the window.
        Meeting? earlier = null;
        var indexed = others is MeetingSet;
        foreach (var o in MeetingSet.SameAccount(others, account))
        {
            if (o.MeetingId != meeting.MeetingId
                && o.Status != MeetingStatus.Cancelled
                && (indexed || Normalized.Comparer.Equals(o.AccountName, account))
                && IsBefore(o, meeting)
                && meeting.BookedAt - o.BookedAt <= TimeSpan.FromDays(WithinDays)
                && (earlier is null || o.BookedAt < earlier.BookedAt))
            {
                earlier = o;
            }
        }

        return earlier is null
            ? null
            : new("duplicate_account", "DUPLICATE_ACCOUNT", LazyText.Of((earlier, meeting.AccountName, context, WithinDays), static p =>
                $"duplicate of {p.earlier.MeetingId} with the same account ({p.AccountName}) booked {p.context.LocalDateText(p.earlier.BookedAt)}, within {p.WithinDays} days; the earlier one counts"));
    }

    private static bool IsBefore(Meeting a, Meeting b) =>
        a.BookedAt < b.BookedAt || (a.BookedAt == b.BookedAt && string.CompareOrdinal(a.MeetingId, b.MeetingId) < 0);

    public override IEnumerable<string> Validate()
    {
        if (WithinDays is < 1 or > 31)
        {
            yield return "duplicate_account: 'within_days' must be between 1 and 31";
        }
    }
}
