using System.Text.Json;
using System.Text.Json.Serialization;
using CompFunctions.Core.Meetings;
using CompFunctions.Pipeline.Storage;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>Meetings are stored as JSON written by hand (for speed); it must be the JSON the generated contract writes, and read what earlier versions wrote.</summary>
public sealed class MeetingJsonTests
{
    private static readonly Meeting Full = new()
    {
        MeetingId = "T-JS-1", SdrId = "it-json", AeId = "ae-bo",
        BookedAt = DateTimeOffset.Parse("2026-11-03T15:10:00-08:00", System.Globalization.CultureInfo.InvariantCulture),
        ScheduledFor = DateTimeOffset.Parse("2026-11-06T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        Status = MeetingStatus.NoShow, AeDecision = AeDecision.Rejected, AeDecisionAt = DateTimeOffset.Parse("2026-11-06T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        RejectionReason = "no budget", AccountName = "Acme \"Intl\"", ContactTitle = "VP, Sales", Industry = "Hospitality", EmployeeCount = 40,
        LeadScore = LeadScore.C, Segment = "smb", Source = LeadSource.Inbound, ExceptionApproved = true, ExceptionApprovedBy = "mgr-1",
        OpportunityId = "O-1", OpportunityStage = "Closed Lost", HighestStage = "Proposal", OpportunityAmount = 48000.10m, Currency = "USD",
        OpportunityCreatedAt = DateTimeOffset.Parse("2026-11-07T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        ClosedAt = DateTimeOffset.Parse("2026-11-20T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), CloseReason = "price",
        LastModifiedAt = DateTimeOffset.Parse("2026-11-21T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture), FurthestStage = "Negotiation",
        SourceRef = new SourceRef("x.csv", 12_345_678_901),
    };

    private static readonly Meeting Minimal = new()
    {
        MeetingId = "T-JS-2", SdrId = "it-json", AeId = "ae-bo", BookedAt = Full.BookedAt, ScheduledFor = Full.ScheduledFor,
        Status = MeetingStatus.Scheduled, SourceRef = new SourceRef("y.csv", 2),
    };

    [Fact]
    public void A_meeting_is_written_as_the_generated_contract_writes_it_and_reads_back_equal()
    {
        var generated = new JsonSerializerOptions { Converters = { new JsonStringEnumConverter() }, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
        var stored = new JsonSerializerOptions { Converters = { new MeetingJsonConverter() } };

        foreach (var meeting in new[] { Full, Minimal })
        {
            var json = JsonSerializer.Serialize(meeting, stored);
            Assert.Equal(JsonSerializer.Serialize(meeting, generated), json);
            Assert.Equal(meeting, JsonSerializer.Deserialize<Meeting>(json, stored));
        }

        Assert.Equal("48000.10", JsonSerializer.Deserialize<Meeting>(JsonSerializer.Serialize(Full, stored), stored)!.OpportunityAmount!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_meeting_an_earlier_version_wrote_with_numeric_enums_and_nulls_reads_back_equal()
    {
        var earlier = JsonSerializer.Serialize(new[] { Full, Minimal });
        Assert.Contains("\"Status\":2", earlier, StringComparison.Ordinal);

        Assert.Equal([Full, Minimal], JsonSerializer.Deserialize<Meeting[]>(earlier, new JsonSerializerOptions { Converters = { new MeetingJsonConverter() } })!);
    }
}
