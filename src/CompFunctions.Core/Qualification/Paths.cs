using System.Text.Json.Serialization;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;

namespace CompFunctions.Core.Qualification;

/// <summary>
/// One way a meeting can qualify. A ruleset lists its paths in order; the first that passes is the
/// one the verdict names. The JSON <c>type</c> names the class and is the verdict's <c>by</c>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(IcpPath), IcpPath.TypeName)]
[JsonDerivedType(typeof(AeAcceptedPath), AeAcceptedPath.TypeName)]
[JsonDerivedType(typeof(StageReachedPath), StageReachedPath.TypeName)]
[JsonDerivedType(typeof(ExceptionPath), ExceptionPath.TypeName)]
[JsonDerivedType(typeof(MeetingSetPath), MeetingSetPath.TypeName)]
public abstract record QualificationPath
{
    /// <summary>The path's JSON type, which the verdict reports as <c>by</c>.</summary>
    [JsonIgnore]
    public string Type => PathType;

    protected abstract string PathType { get; }

    public abstract PathOutcome Evaluate(Meeting meeting, EvaluationContext context);

    public abstract IEnumerable<string> Validate(EvaluationContext context);

    protected PathOutcome Outcome(bool passed, string code, string explanation, IReadOnlyList<CriterionOutcome>? criteria = null) =>
        new(Type, passed, code, explanation, criteria ?? []);
}

/// <summary>Qualified when every required criterion passes (the ideal customer profile). Optional criteria are shown, not counted.</summary>
public sealed record IcpPath(IReadOnlyList<Criterion> Criteria) : QualificationPath
{
    public const string TypeName = "icp";

    protected override string PathType => TypeName;

    public override PathOutcome Evaluate(Meeting meeting, EvaluationContext context)
    {
        var outcomes = Criteria.Select(c => c.Evaluate(meeting)).ToArray();
        var failed = outcomes.Where(o => o.Required && !o.Passed).ToArray();
        return failed.Length == 0
            ? Outcome(true, "ICP_MET", "meets the ideal customer profile (" + string.Join("; ", outcomes.Where(o => o.Required).Select(o => o.Explanation)) + ")", outcomes)
            : Outcome(false, "ICP_NOT_MET", string.Join("; ", failed.Select(o => o.Explanation)), outcomes);
    }

    public override IEnumerable<string> Validate(EvaluationContext context)
    {
        if (Criteria is null || Criteria.Count == 0)
        {
            return ["icp: 'criteria' must list at least one criterion"];
        }

        var duplicate = Criteria.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        var problems = Criteria.SelectMany(c => c.Validate()).Select(p => "icp.criteria." + p);
        return duplicate is null ? problems : problems.Append($"icp: two criteria are named '{duplicate.Key}'; give one a 'name'");
    }
}

/// <summary>
/// Qualified when the AE accepted the meeting (a sales-accepted opportunity), optionally only when
/// the acceptance came within <see cref="WithinDays"/> days of the meeting.
/// </summary>
public sealed record AeAcceptedPath(int? WithinDays = null) : QualificationPath
{
    public const string TypeName = "ae_accepted";

    protected override string PathType => TypeName;

    public override PathOutcome Evaluate(Meeting meeting, EvaluationContext context)
    {
        if (meeting.AeDecision != AeDecision.Accepted)
        {
            return Outcome(false, "AE_NOT_ACCEPTED", $"the AE has not accepted it (decision: {meeting.AeDecision.ToContractText()})");
        }

        if (WithinDays is not { } days)
        {
            return Outcome(true, "AE_ACCEPTED", "the AE accepted it");
        }

        if (meeting.AeDecisionAt is not { } at)
        {
            return Outcome(false, "AE_ACCEPTANCE_DATE_MISSING", $"the AE accepted it but the acceptance date is not given (must be within {days} days of the meeting)");
        }

        var late = at - meeting.ScheduledFor;
        return late <= TimeSpan.FromDays(days)
            ? Outcome(true, "AE_ACCEPTED_IN_WINDOW", $"the AE accepted it on {context.LocalDateText(at)}, within {days} days of the meeting")
            : Outcome(false, "AE_ACCEPTED_TOO_LATE", $"the AE accepted it on {context.LocalDateText(at)}, {Math.Floor(late.TotalDays):0} days after the meeting (must be within {days})");
    }

    public override IEnumerable<string> Validate(EvaluationContext context)
    {
        if (WithinDays is < 0)
        {
            yield return "ae_accepted: 'within_days' must be ≥ 0";
        }
    }
}

/// <summary>
/// Qualified when the opportunity has reached <see cref="Stage"/> or a later one. The furthest
/// stage ever reached counts, so a deal lost after Negotiation has still reached Negotiation.
/// </summary>
public sealed record StageReachedPath(string Stage) : QualificationPath
{
    public const string TypeName = "stage_reached";

    protected override string PathType => TypeName;

    public override PathOutcome Evaluate(Meeting meeting, EvaluationContext context)
    {
        if (meeting.OpportunityId is null)
        {
            return Outcome(false, "NO_OPPORTUNITY", $"no opportunity was created (qualifies at {Stage} or later)");
        }

        return context.Stages.HasReached(meeting.FurthestStage, Stage)
            ? Outcome(true, "STAGE_REACHED", $"opportunity {meeting.OpportunityId} reached {meeting.FurthestStage} ({Stage} or later qualifies)")
            : Outcome(false, "STAGE_NOT_REACHED", $"opportunity {meeting.OpportunityId} has reached {meeting.FurthestStage ?? "no pipeline stage"} (qualifies at {Stage} or later)");
    }

    public override IEnumerable<string> Validate(EvaluationContext context)
    {
        if (!context.Stages.Contains(Stage))
        {
            yield return $"stage_reached: 'stage' '{Stage}' is not one of the configured stages ({string.Join(", ", context.Stages.Stages)})";
        }
    }
}

/// <summary>
/// Qualified when an out-of-segment exception was approved, within a budget of
/// <see cref="BudgetPerSdrPerPeriod"/> exceptions per SDR per period (earliest booked first).
/// Exceptions beyond the budget do not qualify, and their verdict says so.
/// </summary>
public sealed record ExceptionPath(int? BudgetPerSdrPerPeriod = null) : QualificationPath
{
    public const string TypeName = "exception";

    protected override string PathType => TypeName;

    public override PathOutcome Evaluate(Meeting meeting, EvaluationContext context) => meeting.ExceptionApproved
        ? Outcome(true, "EXCEPTION_APPROVED", $"an out-of-segment exception was approved{(meeting.ExceptionApprovedBy is { } by ? " by " + by : "")}")
        : Outcome(false, "NO_EXCEPTION", "no exception was approved");

    /// <summary>The outcome for an approved exception that came after the budget was used up.</summary>
    public PathOutcome OverBudget(int used) =>
        Outcome(false, "EXCEPTION_OVER_BUDGET", $"an exception was approved, but the budget of {BudgetPerSdrPerPeriod} per SDR per period was already used by {used} earlier meeting(s)");

    public override IEnumerable<string> Validate(EvaluationContext context)
    {
        if (BudgetPerSdrPerPeriod is < 0)
        {
            yield return "exception: 'budget_per_sdr_per_period' must be ≥ 0";
        }
    }
}

/// <summary>Every meeting set qualifies (the pay-per-meeting-set policy).</summary>
public sealed record MeetingSetPath : QualificationPath
{
    public const string TypeName = "meeting_set";

    protected override string PathType => TypeName;

    public override PathOutcome Evaluate(Meeting meeting, EvaluationContext context) =>
        Outcome(true, "MEETING_SET", $"every meeting set counts (set on {context.LocalDateText(meeting.BookedAt)})");

    public override IEnumerable<string> Validate(EvaluationContext context) => [];
}
