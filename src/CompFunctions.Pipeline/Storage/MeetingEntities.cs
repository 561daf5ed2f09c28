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
    public static TableEntity ToEntity(Meeting m, string partitionKey)
    {
        var e = new TableEntity(partitionKey, m.MeetingId)
        {
            ["SdrId"] = m.SdrId,
            ["AeId"] = m.AeId,
            ["BookedAt"] = m.BookedAt.ToUniversalTime(),
            ["ScheduledFor"] = m.ScheduledFor.ToUniversalTime(),
            ["Status"] = m.Status.ToContractText(),
            ["AeDecision"] = m.AeDecision.ToContractText(),
            ["AeDecisionAt"] = m.AeDecisionAt?.ToUniversalTime(),
            ["RejectionReason"] = m.RejectionReason,
            ["AccountName"] = m.AccountName,
            ["ContactTitle"] = m.ContactTitle,
            ["Industry"] = m.Industry,
            ["EmployeeCount"] = m.EmployeeCount,
            ["LeadScore"] = m.LeadScore?.ToString(),
            ["Segment"] = m.Segment,
            ["Source"] = m.Source?.ToContractText(),
            ["ExceptionApproved"] = m.ExceptionApproved,
            ["ExceptionApprovedBy"] = m.ExceptionApprovedBy,
            ["OpportunityId"] = m.OpportunityId,
            ["OpportunityStage"] = m.OpportunityStage,
            ["HighestStage"] = m.HighestStage,
            ["FurthestStage"] = m.FurthestStage,
            ["OpportunityAmount"] = m.OpportunityAmount?.ToString(CultureInfo.InvariantCulture),
            ["Currency"] = m.Currency,
            ["OpportunityCreatedAt"] = m.OpportunityCreatedAt?.ToUniversalTime(),
            ["ClosedAt"] = m.ClosedAt?.ToUniversalTime(),
            ["CloseReason"] = m.CloseReason,
            ["LastModifiedAt"] = m.LastModifiedAt?.ToUniversalTime(),
            ["SourceExport"] = m.SourceRef.Export,
            ["SourceLine"] = m.SourceRef.Line,
        };
        return e;
    }

    /// <summary>A hash of what the CRM said about the meeting (not where it came from): equal hashes, same meeting version.</summary>
    public static string ContentHash(Meeting m)
    {
        var entity = ToEntity(m with { SourceRef = new SourceRef("", 0), FurthestStage = null }, "");
        var text = string.Join("\n", entity.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp")).Order(StringComparer.Ordinal)
            .Select(k => k + "=" + Convert.ToString(entity[k], CultureInfo.InvariantCulture)));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)).AsSpan(0, 12));
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
