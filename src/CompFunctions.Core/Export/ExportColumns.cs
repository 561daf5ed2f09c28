using System.Collections.Frozen;

namespace CompFunctions.Core.Export;

/// <summary>The columns of the CRM export contract (<c>shared/contracts/crm-export.md</c>).</summary>
public static class ExportColumns
{
    public const string MeetingId = "meeting_id";
    public const string SdrId = "sdr_id";
    public const string AeId = "ae_id";
    public const string BookedAt = "booked_at";
    public const string ScheduledFor = "scheduled_for";
    public const string MeetingStatus = "meeting_status";
    public const string AeDecision = "ae_decision";
    public const string AeDecisionAt = "ae_decision_at";
    public const string RejectionReason = "rejection_reason";
    public const string AccountName = "account_name";
    public const string ContactTitle = "contact_title";
    public const string Industry = "industry";
    public const string EmployeeCount = "employee_count";
    public const string LeadScore = "lead_score";
    public const string Segment = "segment";
    public const string Source = "source";
    public const string ExceptionApproved = "exception_approved";
    public const string ExceptionApprovedBy = "exception_approved_by";
    public const string OpportunityId = "opportunity_id";
    public const string OpportunityStage = "opportunity_stage";
    public const string HighestStage = "highest_stage";
    public const string OpportunityAmount = "opportunity_amount";
    public const string Currency = "currency";
    public const string OpportunityCreatedAt = "opportunity_created_at";
    public const string ClosedAt = "closed_at";
    public const string CloseReason = "close_reason";
    public const string LastModifiedAt = "last_modified_at";

    /// <summary>Columns a file must have; one missing rejects the whole file.</summary>
    public static IReadOnlyList<string> Required { get; } =
        [MeetingId, SdrId, AeId, BookedAt, ScheduledFor, MeetingStatus];

    public static IReadOnlyList<string> Optional { get; } =
    [
        AeDecision, AeDecisionAt, RejectionReason, AccountName, ContactTitle, Industry, EmployeeCount,
        LeadScore, Segment, Source, ExceptionApproved, ExceptionApprovedBy, OpportunityId, OpportunityStage,
        HighestStage, OpportunityAmount, Currency, OpportunityCreatedAt, ClosedAt, CloseReason, LastModifiedAt,
    ];

    public static FrozenSet<string> All { get; } =
        Required.Concat(Optional).ToFrozenSet(StringComparer.Ordinal);
}
