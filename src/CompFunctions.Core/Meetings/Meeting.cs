namespace CompFunctions.Core.Meetings;

/// <summary>Where a meeting's current values came from: the export blob and the line of its row (the header is line 1).</summary>
public sealed record SourceRef(string Export, long Line);

/// <summary>
/// One meeting as the latest CRM export describes it, plus what the product remembers across
/// exports (<see cref="FurthestStage"/>). Values are already validated against the contract.
/// </summary>
public sealed record Meeting
{
    public required string MeetingId { get; init; }
    public required string SdrId { get; init; }
    public required string AeId { get; init; }
    public required DateTimeOffset BookedAt { get; init; }
    public required DateTimeOffset ScheduledFor { get; init; }
    public required MeetingStatus Status { get; init; }
    public AeDecision AeDecision { get; init; } = AeDecision.Pending;
    public DateTimeOffset? AeDecisionAt { get; init; }
    public string? RejectionReason { get; init; }
    public string? AccountName { get; init; }
    public string? ContactTitle { get; init; }
    public string? Industry { get; init; }
    public int? EmployeeCount { get; init; }
    public LeadScore? LeadScore { get; init; }
    public string? Segment { get; init; }
    public LeadSource? Source { get; init; }
    public bool ExceptionApproved { get; init; }
    public string? ExceptionApprovedBy { get; init; }
    public string? OpportunityId { get; init; }
    public string? OpportunityStage { get; init; }
    public string? HighestStage { get; init; }
    public decimal? OpportunityAmount { get; init; }
    public string? Currency { get; init; }
    public DateTimeOffset? OpportunityCreatedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public string? CloseReason { get; init; }
    public DateTimeOffset? LastModifiedAt { get; init; }

    /// <summary>
    /// The furthest stage the opportunity is known to have reached: the furthest of its current
    /// stage, the export's <c>highest_stage</c> and every stage seen in earlier exports.
    /// </summary>
    public string? FurthestStage { get; init; }

    public required SourceRef SourceRef { get; init; }
}
