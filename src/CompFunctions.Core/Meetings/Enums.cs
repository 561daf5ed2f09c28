namespace CompFunctions.Core.Meetings;

/// <summary>What happened to the meeting itself (the contract's <c>meeting_status</c>).</summary>
public enum MeetingStatus
{
    Scheduled,
    Held,
    NoShow,
    Cancelled,
    Rescheduled,
}

/// <summary>The AE's acceptance of the meeting (the contract's <c>ae_decision</c>).</summary>
public enum AeDecision
{
    Pending,
    Accepted,
    Rejected,
}

public enum LeadScore
{
    A,
    B,
    C,
    D,
}

public enum LeadSource
{
    Outbound,
    Inbound,
}

public static class MeetingEnumText
{
    private static readonly string[] Decisions = Enum.GetValues<AeDecision>().Select(d => d.ToString().ToLowerInvariant()).ToArray();
    private static readonly string[] Sources = Enum.GetValues<LeadSource>().Select(s => s.ToString().ToLowerInvariant()).ToArray();
    private static readonly string[] Scores = Enum.GetValues<LeadScore>().Select(s => s.ToString()).ToArray();

    /// <summary>The contract's spelling of a status: <c>no_show</c>, <c>held</c>…</summary>
    public static string ToContractText(this MeetingStatus status) => status switch
    {
        MeetingStatus.NoShow => "no_show",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static string ToContractText(this AeDecision decision) => Spelled(Decisions, (int)decision) ?? decision.ToString().ToLowerInvariant();

    public static string ToContractText(this LeadSource source) => Spelled(Sources, (int)source) ?? source.ToString().ToLowerInvariant();

    /// <summary>The grade's letter, <c>A</c>…<c>D</c>, as the contract and reasons spell it.</summary>
    public static string ToGradeText(this LeadScore score) => Spelled(Scores, (int)score) ?? score.ToString();

    /// <summary>The spelling made once for a defined value (they run from 0), or null for any other.</summary>
    private static string? Spelled(string[] spelled, int value) => value >= 0 && value < spelled.Length ? spelled[value] : null;

    public static bool TryParseStatus(string text, out MeetingStatus status) =>
        TryParseContract(text, out status);

    public static bool TryParseDecision(string text, out AeDecision decision) =>
        TryParseContract(text, out decision);

    public static bool TryParseLeadScore(string text, out LeadScore score) =>
        TryParseContract(text, out score);

    public static bool TryParseSource(string text, out LeadSource source) =>
        TryParseContract(text, out source);

    /// <summary>Case-insensitive, snake_case contract spelling; numbers are never accepted.</summary>
    private static bool TryParseContract<T>(string text, out T value)
        where T : struct, Enum
    {
        value = default;
        var compact = text.Trim().Replace("_", "", StringComparison.Ordinal);
        return compact.Length > 0
            && char.IsAsciiLetter(compact[0])
            && Enum.TryParse(compact, ignoreCase: true, out value)
            && Enum.IsDefined(value);
    }
}
