using CompFunctions.Core.Meetings;

namespace CompFunctions.Core.Tests;

/// <summary>Test data: a held, ICP-qualified meeting unless a test says otherwise.</summary>
internal static class MeetingBuilder
{
    public static Meeting Qualified(string id = "M-1", string sdr = "sdr-ana") => new()
    {
        MeetingId = id,
        SdrId = sdr,
        AeId = "ae-bo",
        BookedAt = DateTimeOffset.Parse("2026-11-09T11:30:00-08:00", System.Globalization.CultureInfo.InvariantCulture),
        ScheduledFor = DateTimeOffset.Parse("2026-11-12T14:00:00-08:00", System.Globalization.CultureInfo.InvariantCulture),
        Status = MeetingStatus.Held,
        AeDecision = AeDecision.Accepted,
        Industry = "Software",
        EmployeeCount = 250,
        LeadScore = LeadScore.A,
        SourceRef = new SourceRef("test.csv", 2),
    };

    /// <summary>M-1042 of the domain brief: unqualified, accepted, reached Negotiation at 48,000 USD, lost on price.</summary>
    public static Meeting M1042() => Qualified("M-1042") with
    {
        BookedAt = DateTimeOffset.Parse("2026-11-03T15:10:00-08:00", System.Globalization.CultureInfo.InvariantCulture),
        ScheduledFor = DateTimeOffset.Parse("2026-11-06T10:00:00-08:00", System.Globalization.CultureInfo.InvariantCulture),
        AeDecisionAt = DateTimeOffset.Parse("2026-11-06T12:00:00-08:00", System.Globalization.CultureInfo.InvariantCulture),
        AccountName = "Pérez & Hijos, S.L.",
        ContactTitle = "Office Manager",
        Segment = "SMB",
        Source = LeadSource.Outbound,
        Industry = "Hospitality",
        EmployeeCount = 40,
        LeadScore = LeadScore.C,
        OpportunityId = "O-77",
        OpportunityStage = "Closed Lost",
        HighestStage = "Negotiation",
        FurthestStage = "Negotiation",
        OpportunityAmount = 48000.00m,
        Currency = "USD",
        CloseReason = "Price",
    };

    /// <summary>M-1043 of the contract: an ICP-perfect meeting the prospect did not attend.</summary>
    public static Meeting M1043() => Qualified("M-1043") with
    {
        BookedAt = DateTimeOffset.Parse("2026-11-04T09:00:00-08:00", System.Globalization.CultureInfo.InvariantCulture),
        ScheduledFor = DateTimeOffset.Parse("2026-11-05T09:00:00-08:00", System.Globalization.CultureInfo.InvariantCulture),
        Status = MeetingStatus.NoShow,
        AeDecision = AeDecision.Pending,
        AccountName = "Acme Corp",
        ContactTitle = "VP Sales",
        EmployeeCount = 1200,
    };

    public static Meeting BookedOn(this Meeting meeting, string isoDate) => meeting with
    {
        BookedAt = DateTimeOffset.Parse(isoDate + "T10:00:00-08:00", System.Globalization.CultureInfo.InvariantCulture),
    };

    public static Meeting WithOpportunity(this Meeting meeting, string stage, decimal amount, string currency = "USD") => meeting with
    {
        OpportunityId = "O-" + meeting.MeetingId,
        OpportunityStage = stage,
        FurthestStage = StageOrder.Default.Furthest(stage),
        OpportunityAmount = amount,
        Currency = currency,
    };
}
