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
    /// <summary>The contract's spelling of a status: <c>no_show</c>, <c>held</c>…</summary>
    public static string ToContractText(this MeetingStatus status) => status switch
    {
        MeetingStatus.NoShow => "no_show",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static string ToContractText(this AeDecision decision) => decision.ToString().ToLowerInvariant();

    public static string ToContractText(this LeadSource source) => source.ToString().ToLowerInvariant();

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
