using System.Text.Json;
using System.Text.Json.Serialization;
using CompFunctions.Core.Meetings;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// A meeting as JSON, written and read by hand: the generated contract builds a meeting (all
/// init-only members) through its parameterized-constructor path, boxing every value — ~15 µs a
/// meeting, the biggest cost of comparing an export with the night before. The shape is the
/// generated one (declaration order, enums by name, nulls left out, <c>SourceRef</c> nested), and
/// what earlier versions wrote (enums as numbers, nulls written) still reads.
/// </summary>
public sealed class MeetingJsonConverter : JsonConverter<Meeting>
{
    public override void Write(Utf8JsonWriter writer, Meeting m, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("MeetingId", m.MeetingId);
        writer.WriteString("SdrId", m.SdrId);
        writer.WriteString("AeId", m.AeId);
        writer.WriteString("BookedAt", m.BookedAt);
        writer.WriteString("ScheduledFor", m.ScheduledFor);
        writer.WriteString("Status", m.Status.ToString());
        writer.WriteString("AeDecision", m.AeDecision.ToString());
        Instant(writer, "AeDecisionAt", m.AeDecisionAt);
        Text(writer, "RejectionReason", m.RejectionReason);
        Text(writer, "AccountName", m.AccountName);
        Text(writer, "ContactTitle", m.ContactTitle);
        Text(writer, "Industry", m.Industry);
        if (m.EmployeeCount is { } employees)
        {
            writer.WriteNumber("EmployeeCount", employees);
        }

        Text(writer, "LeadScore", m.LeadScore?.ToString());
        Text(writer, "Segment", m.Segment);
        Text(writer, "Source", m.Source?.ToString());
        writer.WriteBoolean("ExceptionApproved", m.ExceptionApproved);
        Text(writer, "ExceptionApprovedBy", m.ExceptionApprovedBy);
        Text(writer, "OpportunityId", m.OpportunityId);
        Text(writer, "OpportunityStage", m.OpportunityStage);
        Text(writer, "HighestStage", m.HighestStage);
        if (m.OpportunityAmount is { } amount)
        {
            writer.WriteNumber("OpportunityAmount", amount);
        }

        Text(writer, "Currency", m.Currency);
        Instant(writer, "OpportunityCreatedAt", m.OpportunityCreatedAt);
        Instant(writer, "ClosedAt", m.ClosedAt);
        Text(writer, "CloseReason", m.CloseReason);
        Instant(writer, "LastModifiedAt", m.LastModifiedAt);
        Text(writer, "FurthestStage", m.FurthestStage);
        writer.WriteStartObject("SourceRef");
        writer.WriteString("Export", m.SourceRef.Export);
        writer.WriteNumber("Line", m.SourceRef.Line);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public override Meeting Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        string? meetingId = null, sdrId = null, aeId = null, rejectionReason = null, accountName = null, contactTitle = null, industry = null, segment = null;
        string? exceptionApprovedBy = null, opportunityId = null, opportunityStage = null, highestStage = null, currency = null, closeReason = null, furthestStage = null;
        DateTimeOffset? bookedAt = null, scheduledFor = null, aeDecisionAt = null, opportunityCreatedAt = null, closedAt = null, lastModifiedAt = null;
        MeetingStatus? status = null;
        var aeDecision = AeDecision.Pending;
        LeadScore? leadScore = null;
        LeadSource? source = null;
        int? employeeCount = null;
        decimal? opportunityAmount = null;
        var exceptionApproved = false;
        SourceRef? sourceRef = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = Name(ref reader);
            reader.Read();
            var isNull = reader.TokenType == JsonTokenType.Null;
            switch (name)
            {
                case "MeetingId": meetingId = reader.GetString(); break;
                case "SdrId": sdrId = Shared(ref reader); break;
                case "AeId": aeId = Shared(ref reader); break;
                case "BookedAt": bookedAt = reader.GetDateTimeOffset(); break;
                case "ScheduledFor": scheduledFor = reader.GetDateTimeOffset(); break;
                case "Status": status = Enum<MeetingStatus>(ref reader); break;
                case "AeDecision": aeDecision = isNull ? AeDecision.Pending : Enum<AeDecision>(ref reader); break;
                case "AeDecisionAt": aeDecisionAt = isNull ? null : reader.GetDateTimeOffset(); break;
                case "RejectionReason": rejectionReason = Shared(ref reader); break;
                case "AccountName": accountName = reader.GetString(); break;
                case "ContactTitle": contactTitle = Shared(ref reader); break;
                case "Industry": industry = Shared(ref reader); break;
                case "EmployeeCount": employeeCount = isNull ? null : reader.GetInt32(); break;
                case "LeadScore": leadScore = isNull ? null : Enum<LeadScore>(ref reader); break;
                case "Segment": segment = Shared(ref reader); break;
                case "Source": source = isNull ? null : Enum<LeadSource>(ref reader); break;
                case "ExceptionApproved": exceptionApproved = !isNull && reader.GetBoolean(); break;
                case "ExceptionApprovedBy": exceptionApprovedBy = Shared(ref reader); break;
                case "OpportunityId": opportunityId = reader.GetString(); break;
                case "OpportunityStage": opportunityStage = Shared(ref reader); break;
                case "HighestStage": highestStage = Shared(ref reader); break;
                case "OpportunityAmount": opportunityAmount = isNull ? null : reader.GetDecimal(); break;
                case "Currency": currency = Shared(ref reader); break;
                case "OpportunityCreatedAt": opportunityCreatedAt = isNull ? null : reader.GetDateTimeOffset(); break;
                case "ClosedAt": closedAt = isNull ? null : reader.GetDateTimeOffset(); break;
                case "CloseReason": closeReason = Shared(ref reader); break;
                case "LastModifiedAt": lastModifiedAt = isNull ? null : reader.GetDateTimeOffset(); break;
                case "FurthestStage": furthestStage = Shared(ref reader); break;
                case "SourceRef": sourceRef = ReadSource(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new Meeting
        {
            MeetingId = meetingId ?? throw Missing("MeetingId"),
            SdrId = sdrId ?? throw Missing("SdrId"),
            AeId = aeId ?? throw Missing("AeId"),
            BookedAt = bookedAt ?? throw Missing("BookedAt"),
            ScheduledFor = scheduledFor ?? throw Missing("ScheduledFor"),
            Status = status ?? throw Missing("Status"),
            AeDecision = aeDecision,
            AeDecisionAt = aeDecisionAt,
            RejectionReason = rejectionReason,
            AccountName = accountName,
            ContactTitle = contactTitle,
            Industry = industry,
            EmployeeCount = employeeCount,
            LeadScore = leadScore,
            Segment = segment,
            Source = source,
            ExceptionApproved = exceptionApproved,
            ExceptionApprovedBy = exceptionApprovedBy,
            OpportunityId = opportunityId,
            OpportunityStage = opportunityStage,
            HighestStage = highestStage,
            OpportunityAmount = opportunityAmount,
            Currency = currency,
            OpportunityCreatedAt = opportunityCreatedAt,
            ClosedAt = closedAt,
            CloseReason = closeReason,
            LastModifiedAt = lastModifiedAt,
            FurthestStage = furthestStage,
            SourceRef = sourceRef ?? throw Missing("SourceRef"),
        };
    }

    private static SourceRef ReadSource(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        string? export = null;
        long line = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = Name(ref reader);
            reader.Read();
            switch (name)
            {
                case "Export": export = Shared(ref reader); break;
                case "Line": line = reader.GetInt64(); break;
                default: reader.Skip(); break;
            }
        }

        return new SourceRef(export ?? throw Missing("SourceRef.Export"), line);
    }

    /// <summary>An enum by name, or by number as earlier versions wrote it.</summary>
    private static T Enum<T>(ref Utf8JsonReader reader) where T : struct, Enum
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return (T)System.Enum.ToObject(typeof(T), reader.GetInt32());
        }

        Span<char> chars = stackalloc char[64];
        if (!reader.HasValueSequence && reader.ValueSpan.Length <= chars.Length && System.Enum.TryParse<T>(chars[..reader.CopyString(chars)], out var parsed))
        {
            return parsed;
        }

        return System.Enum.TryParse<T>(reader.GetString(), out var value) ? value : throw new JsonException($"'{reader.GetString()}' is not a {typeof(T).Name}.");
    }

    /// <summary>The property names this converter reads, so that reading one makes no string.</summary>
    private static readonly HashSet<string> Names = new(
        [
            "MeetingId", "SdrId", "AeId", "BookedAt", "ScheduledFor", "Status", "AeDecision", "AeDecisionAt", "RejectionReason",
            "AccountName", "ContactTitle", "Industry", "EmployeeCount", "LeadScore", "Segment", "Source", "ExceptionApproved",
            "ExceptionApprovedBy", "OpportunityId", "OpportunityStage", "HighestStage", "OpportunityAmount", "Currency",
            "OpportunityCreatedAt", "ClosedAt", "CloseReason", "LastModifiedAt", "FurthestStage", "SourceRef", "Export", "Line",
        ],
        StringComparer.Ordinal);

    /// <summary>A property's name as one of <see cref="Names"/>, or null for a name this converter does not read (skipped).</summary>
    private static string? Name(ref Utf8JsonReader reader)
    {
        Span<char> chars = stackalloc char[32];
        if (reader.HasValueSequence || reader.ValueSpan.Length > chars.Length)
        {
            return null;
        }

        return Names.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..reader.CopyString(chars)], out var name) ? name : null;
    }

    /// <summary>Texts read on this thread lately (up to 4,096), so that a value repeated from meeting to meeting (an SDR, a stage, a title) is one string.</summary>
    [ThreadStatic]
    private static TextPool? t_texts;

    /// <summary>A text that repeats across meetings, as one shared string (null stays null).</summary>
    private static string? Shared(ref Utf8JsonReader reader) => (t_texts ??= new TextPool(shared: false, limit: 4_096)).Get(ref reader);

    private static void Text(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void Instant(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } instant)
        {
            writer.WriteString(name, instant);
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (reader.TokenType != token)
        {
            throw new JsonException($"Expected {token} for a meeting, found {reader.TokenType}.");
        }
    }

    private static JsonException Missing(string property) => new($"A stored meeting has no {property}.");
}
