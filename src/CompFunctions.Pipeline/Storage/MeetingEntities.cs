using System.Globalization;
using Azure.Data.Tables;
using CompFunctions.Core.Meetings;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Maps meetings to and from table entities. Instants are stored as UTC date-times, the amount as
/// an invariant decimal string (Table Storage has no decimal type and the SDK reads a decimal
/// property back as 0), enums in their contract spelling.
/// </summary>
public static class MeetingEntities
{
    /// <summary>Every property of a meeting's entity, in the order an entity lists them.</summary>
    private static readonly (string Name, Func<Meeting, object?> Value)[] Fields =
    [
        ("SdrId", m => m.SdrId),
        ("AeId", m => m.AeId),
        ("BookedAt", m => m.BookedAt.ToUniversalTime()),
        ("ScheduledFor", m => m.ScheduledFor.ToUniversalTime()),
        ("Status", m => m.Status.ToContractText()),
        ("AeDecision", m => m.AeDecision.ToContractText()),
        ("AeDecisionAt", m => m.AeDecisionAt?.ToUniversalTime()),
        ("RejectionReason", m => m.RejectionReason),
        ("AccountName", m => m.AccountName),
        ("ContactTitle", m => m.ContactTitle),
        ("Industry", m => m.Industry),
        ("EmployeeCount", m => m.EmployeeCount),
        ("LeadScore", m => m.LeadScore?.ToString()),
        ("Segment", m => m.Segment),
        ("Source", m => m.Source?.ToContractText()),
        ("ExceptionApproved", m => m.ExceptionApproved),
        ("ExceptionApprovedBy", m => m.ExceptionApprovedBy),
        ("OpportunityId", m => m.OpportunityId),
        ("OpportunityStage", m => m.OpportunityStage),
        ("HighestStage", m => m.HighestStage),
        ("FurthestStage", m => m.FurthestStage),
        ("OpportunityAmount", m => m.OpportunityAmount?.ToString(CultureInfo.InvariantCulture)),
        ("Currency", m => m.Currency),
        ("OpportunityCreatedAt", m => m.OpportunityCreatedAt?.ToUniversalTime()),
        ("ClosedAt", m => m.ClosedAt?.ToUniversalTime()),
        ("CloseReason", m => m.CloseReason),
        ("LastModifiedAt", m => m.LastModifiedAt?.ToUniversalTime()),
        ("SourceExport", m => m.SourceRef.Export),
        ("SourceLine", m => m.SourceRef.Line),
    ];

    /// <summary>What the content hash covers, in ordinal order: everything the CRM said, not where it came from nor what the product remembers.</summary>
    private static readonly (string Name, Func<Meeting, object?> Value)[] HashedFields =
        [.. Fields.Select(f => f.Name switch
            {
                "SourceExport" => (f.Name, _ => ""),
                "SourceLine" => (f.Name, _ => 0L),
                "FurthestStage" => (f.Name, _ => null),
                _ => f,
            })
            .OrderBy(f => f.Name, StringComparer.Ordinal)];

    [ThreadStatic]
    private static System.Text.StringBuilder? _hashText;

    public static TableEntity ToEntity(Meeting m, string partitionKey)
    {
        var e = new TableEntity(partitionKey, m.MeetingId);
        foreach (var (name, value) in Fields)
        {
            e[name] = value(m);
        }

        return e;
    }

    /// <summary>
    /// A hash of what the CRM said about the meeting (not where it came from): equal hashes, same
    /// meeting version. The text hashed is every entity property but the provenance and furthest
    /// stage, as <c>name=value</c> lines in ordinal order of name, values as invariant text (what
    /// the index has always stored: it must not change, or every meeting would look changed once).
    /// </summary>
    public static string ContentHash(Meeting m)
    {
        var text = _hashText ??= new System.Text.StringBuilder(1024);
        text.Clear();
        foreach (var (name, value) in HashedFields)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(name).Append('=').Append(Convert.ToString(value(m), CultureInfo.InvariantCulture));
        }

        var chars = text.Length;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxByteCount(chars));
        try
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text.ToString(), buffer);
            Span<byte> hash = stackalloc byte[32];
            System.Security.Cryptography.SHA256.HashData(buffer.AsSpan(0, bytes), hash);
            return Convert.ToHexStringLower(hash[..12]);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static Meeting FromEntity(TableEntity e) => new()
    {
        MeetingId = e.RowKey,
        SdrId = e.GetString("SdrId"),
        AeId = e.GetString("AeId"),
        BookedAt = e.GetDateTimeOffset("BookedAt")!.Value,
        ScheduledFor = e.GetDateTimeOffset("ScheduledFor")!.Value,
        Status = Parse<MeetingStatus>(e.GetString("Status"), MeetingEnumText.TryParseStatus),
        AeDecision = Parse<AeDecision>(e.GetString("AeDecision"), MeetingEnumText.TryParseDecision),
        AeDecisionAt = e.GetDateTimeOffset("AeDecisionAt"),
        RejectionReason = e.GetString("RejectionReason"),
        AccountName = e.GetString("AccountName"),
        ContactTitle = e.GetString("ContactTitle"),
        Industry = e.GetString("Industry"),
        EmployeeCount = e.GetInt32("EmployeeCount"),
        LeadScore = e.GetString("LeadScore") is { } score ? Parse<LeadScore>(score, MeetingEnumText.TryParseLeadScore) : null,
        Segment = e.GetString("Segment"),
        Source = e.GetString("Source") is { } source ? Parse<LeadSource>(source, MeetingEnumText.TryParseSource) : null,
        ExceptionApproved = e.GetBoolean("ExceptionApproved") ?? false,
        ExceptionApprovedBy = e.GetString("ExceptionApprovedBy"),
        OpportunityId = e.GetString("OpportunityId"),
        OpportunityStage = e.GetString("OpportunityStage"),
        HighestStage = e.GetString("HighestStage"),
        FurthestStage = e.GetString("FurthestStage"),
        OpportunityAmount = e.GetString("OpportunityAmount") is { } amount ? decimal.Parse(amount, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) : null,
        Currency = e.GetString("Currency"),
        OpportunityCreatedAt = e.GetDateTimeOffset("OpportunityCreatedAt"),
        ClosedAt = e.GetDateTimeOffset("ClosedAt"),
        CloseReason = e.GetString("CloseReason"),
        LastModifiedAt = e.GetDateTimeOffset("LastModifiedAt"),
        SourceRef = new SourceRef(e.GetString("SourceExport"), e.GetInt64("SourceLine") ?? 0),
    };

    private delegate bool TryParse<T>(string text, out T value);

    private static T Parse<T>(string text, TryParse<T> tryParse) =>
        tryParse(text, out var value) ? value : throw new FormatException($"Stored value '{text}' is not a valid {typeof(T).Name}.");
}
