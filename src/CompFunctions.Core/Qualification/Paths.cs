using System.Text.Json.Serialization;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Text;

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

    private protected PathOutcome Outcome(bool passed, string code, LazyText explanation, IReadOnlyList<CriterionOutcome>? criteria = null) =>
        new(Type, passed, code, explanation, criteria ?? []);

    /// <summary>A sentence without parts, made once.</summary>
    private protected static LazyText Fixed(string text) => LazyText.From(text)!;
}

/// <summary>Qualified when every required criterion passes (the ideal customer profile). Optional criteria are shown, not counted.</summary>
public sealed record IcpPath(IReadOnlyList<Criterion> Criteria) : QualificationPath
{
    public const string TypeName = "icp";

    protected override string PathType => TypeName;

    public override PathOutcome Evaluate(Meeting meeting, EvaluationContext context)
    {
        var outcomes = new CriterionOutcome[Criteria.Count];
        var met = true;
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = Criteria[i].Evaluate(meeting);
            met &= outcomes[i].Passed || !outcomes[i].Required;
        }

        return met ? new(Type, true, "ICP_MET", Met, outcomes) : new(Type, false, "ICP_NOT_MET", NotMet, outcomes);
    }

    private static readonly Func<IReadOnlyList<CriterionOutcome>, string> Met = static o =>
        "meets the ideal customer profile (" + string.Join("; ", o.Where(c => c.Required).Select(c => c.Explanation)) + ")";

    private static readonly Func<IReadOnlyList<CriterionOutcome>, string> NotMet = static o =>
        string.Join("; ", o.Where(c => c.Required && !c.Passed).Select(c => c.Explanation));

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

    private static readonly LazyText Accepted = Fixed("the AE accepted it");

    protected override string PathType => TypeName;

    public override PathOutcome Evaluate(Meeting meeting, EvaluationContext context)
    {
        if (meeting.AeDecision != AeDecision.Accepted)
        {
            return Outcome(false, "AE_NOT_ACCEPTED", LazyText.Of(meeting.AeDecision, static d => $"the AE has not accepted it (decision: {d.ToContractText()})"));
        }

        if (WithinDays is not { } days)
        {
            return Outcome(true, "AE_ACCEPTED", Accepted);
        }

        if (meeting.AeDecisionAt is not { } at)
        {
            return Outcome(false, "AE_ACCEPTANCE_DATE_MISSING", LazyText.Of(days, static d => $"the AE accepted it but the acceptance date is not given (must be within {d} days of the meeting)"));
        }

        var late = at - meeting.ScheduledFor;
        return late <= TimeSpan.FromDays(days)
            ? Outcome(true, "AE_ACCEPTED_IN_WINDOW", LazyText.Of((context, at, days), static p => $"the AE accepted it on {p.context.LocalDateText(p.at)}, within {p.days} days of the meeting"))
            : Outcome(false, "AE_ACCEPTED_TOO_LATE", LazyText.Of((context, at, late, days), static p => $"the AE accepted it on {p.context.LocalDateText(p.at)}, {Math.Floor(p.late.TotalDays):0} days after the meeting (must be within {p.days})"));
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
            return Outcome(false, "NO_OPPORTUNITY", LazyText.Of(Stage, static s => $"no opportunity was created (qualifies at {s} or later)"));
        }

        return context.Stages.HasReached(meeting.FurthestStage, Stage)
            ? Outcome(true, "STAGE_REACHED", LazyText.Of((meeting, Stage), static p => $"opportunity {p.meeting.OpportunityId} reached {p.meeting.FurthestStage} ({p.Stage} or later qualifies)"))
            : Outcome(false, "STAGE_NOT_REACHED", LazyText.Of((meeting, Stage), static p => $"opportunity {p.meeting.OpportunityId} has reached {p.meeting.FurthestStage ?? "no pipeline stage"} (qualifies at {p.Stage} or later)"));
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

    private static readonly LazyText NoException = Fixed("no exception was approved");

    public override PathOutcome Evaluate(Meeting meeting, EvaluationContext context) => meeting.ExceptionApproved
        ? Outcome(true, "EXCEPTION_APPROVED", LazyText.Of(meeting.ExceptionApprovedBy, static approver => $"an out-of-segment exception was approved{(approver is { } by ? " by " + by : "")}"))
        : Outcome(false, "NO_EXCEPTION", NoException);

    /// <summary>The outcome for an approved exception that came after the budget was used up.</summary>
    public PathOutcome OverBudget(int used) =>
        Outcome(false, "EXCEPTION_OVER_BUDGET", LazyText.Of((BudgetPerSdrPerPeriod, used), static p => $"an exception was approved, but the budget of {p.BudgetPerSdrPerPeriod} per SDR per period was already used by {p.used} earlier meeting(s)"));

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
        Outcome(true, "MEETING_SET", LazyText.Of((context, meeting.BookedAt), static p => $"every meeting set counts (set on {p.context.LocalDateText(p.BookedAt)})"));

    public override IEnumerable<string> Validate(EvaluationContext context) => [];
}
