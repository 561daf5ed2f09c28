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
    private Explained _explanation = new(Explanation);

    public string? Explanation { get => _explanation.Value; init => _explanation = new(value); }

    /// <summary>The verdict as a line carries it; the explanation is the verdict's, read from it when first read.</summary>
    public static QualificationSummary From(Verdict verdict) =>
        new(verdict.Qualified, verdict.By, verdict.FailedCriteria, verdict.DisqualifiedBy?.Disqualifier) { _explanation = new(verdict) };

    /// <summary>The explanation or the verdict that gives it (one per meeting, so no text is made for it). Compares by the text.</summary>
    private readonly struct Explained(object? source) : IEquatable<Explained>
    {
        public string? Value => source is Verdict verdict ? verdict.Explanation : (string?)source;

        public bool Equals(Explained other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

        public override bool Equals(object? obj) => obj is Explained other && Equals(other);

        public override int GetHashCode() => Value is { } text ? StringComparer.Ordinal.GetHashCode(text) : 0;
    }
}

/// <summary>
/// One line of a payout statement: an amount for one meeting and one plan component, with the
/// reason, the verdict, the policy versions that produced it and the export row it came from.
/// <see cref="LineId"/> is deterministic (<c>{meetingId}:{component}</c>), so re-evaluating the
/// same meeting rewrites the same line instead of adding one. <see cref="Reason"/> is formatted
/// when first read (see <see cref="LazyText"/>).
/// </summary>
/// <remarks>
/// A line whose id is <c>{MeetingId}:{Component}</c> (every meeting's line; give null or that id)
/// keeps no id of its own: it is made when read, and <see cref="CopyLineIdTo"/> and
/// <see cref="CompareLineIds"/> write and order ids without making them. Only other ids (a period
/// line's, an adjustment's) are kept as given. An evaluation makes a line per component per
/// meeting, most of them never read one by one: their ids were a fifth of its memory.
/// </remarks>
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
    private string? _lineId = IsMeetingLineId(LineId, MeetingId, Component) ? null : LineId;

    private LazyText? _reason = LazyText.From(Reason);

    /// <summary>The line's id: <c>{MeetingId}:{Component}</c> unless it was given another (null gives that one).</summary>
    public string LineId
    {
        get => _lineId ?? IdFor(MeetingId, Component);
        init => _lineId = IsMeetingLineId(value, MeetingId, Component) ? null : value;
    }

    /// <summary>The length of <see cref="LineId"/>.</summary>
    public int LineIdLength => _lineId?.Length ?? MeetingId.Length + 1 + Component.Length;

    /// <summary>Writes <see cref="LineId"/> into <paramref name="destination"/> (at least <see cref="LineIdLength"/> long) and returns its length.</summary>
    public int CopyLineIdTo(Span<char> destination)
    {
        if (_lineId is not null)
        {
            _lineId.CopyTo(destination);
            return _lineId.Length;
        }

        MeetingId.CopyTo(destination);
        destination[MeetingId.Length] = ':';
        Component.CopyTo(destination[(MeetingId.Length + 1)..]);
        return LineIdLength;
    }

    /// <summary>Orders two lines by <see cref="LineId"/> (ordinal), as <see cref="string.CompareOrdinal(string, string)"/> of the ids would.</summary>
    public static int CompareLineIds(PayoutLine? a, PayoutLine? b)
    {
        if (a is null || b is null)
        {
            return a is null ? b is null ? 0 : -1 : 1;
        }

        if (a._lineId is not null || b._lineId is not null)
        {
            return string.CompareOrdinal(a.LineId, b.LineId);
        }

        if (DifferAt(a.MeetingId, b.MeetingId) is not { } differ)
        {
            return string.CompareOrdinal(a.Component, b.Component);
        }

        // Different meeting ids: the first char where "{meeting}:" texts differ decides; when that
        // is the ':' after one id against a ':' inside the other, the components take part.
        return differ.A != differ.B ? differ.A.CompareTo(differ.B) : string.CompareOrdinal(a.LineId, b.LineId);
    }

    /// <summary>
    /// Orders meeting ids as <c>"{id}:"</c> texts order (ordinal): the order of their lines' ids
    /// wherever one id's lines cannot interleave with another's — that is, unless one id followed
    /// by ':' begins the other. Meeting ids, not <see cref="string.CompareOrdinal(string, string)"/>
    /// of them: "A-1" comes before "A" here ('-' is below ':'), after it there.
    /// </summary>
    public static int CompareAsLineIdPrefixes(string a, string b) =>
        DifferAt(a, b) is not { } differ ? 0
        : differ.A != differ.B ? differ.A.CompareTo(differ.B)
        : a.Length.CompareTo(b.Length); // "{a}:" begins "{b}:", or the other way round: the shorter first

    /// <summary>The chars of <c>"{a}:"</c> and <c>"{b}:"</c> at the first place the ids differ; null for equal ids.</summary>
    private static (char A, char B)? DifferAt(string a, string b)
    {
        var x = a.AsSpan();
        var y = b.AsSpan();
        var common = Math.Min(x.Length, y.Length);
        var at = x[..common].CommonPrefixLength(y[..common]);
        if (at == x.Length && at == y.Length)
        {
            return null;
        }

        return (at < x.Length ? x[at] : ':', at < y.Length ? y[at] : ':');
    }

    public string Reason { get => _reason?.Value!; init => _reason = LazyText.From(value); }

    /// <summary>Sets the reason as it is kept, so that it is formatted only when read.</summary>
    internal LazyText? ReasonText { init => _reason = value; }
    /// <summary>The meeting's account, so a rep recognises the meeting (from the export; may be absent).</summary>
    public string? Account { get; init; }

    /// <summary>The local day the meeting was booked, which decides its period and the policy versions.</summary>
    public DateOnly? BookedOn { get; init; }

    public static string IdFor(string meetingId, string component) => $"{meetingId}:{component}";

    private static bool IsMeetingLineId(string? lineId, string meetingId, string component) =>
        lineId is null
        || (meetingId is not null && component is not null
            && lineId.Length == meetingId.Length + 1 + component.Length
            && lineId.StartsWith(meetingId, StringComparison.Ordinal)
            && lineId[meetingId.Length] == ':'
            && lineId.EndsWith(component, StringComparison.Ordinal));
}
