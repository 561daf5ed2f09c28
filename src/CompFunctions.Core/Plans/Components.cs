using System.Globalization;
using System.Text.Json.Serialization;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Qualification;

namespace CompFunctions.Core.Plans;

/// <summary>What a component needs besides the meeting: the plan's currency, the company settings and the exchange rates.</summary>
public sealed record Pricing(Money.Currency Currency, EvaluationContext Context, FxTable Fx);

/// <summary>
/// One component of a compensation plan: a small, immutable piece of the plan document that
/// decides one amount for one meeting and says why. The JSON <c>type</c> names the class.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(PerMeetingComponent), "per_meeting")]
[JsonDerivedType(typeof(PipelinePercentComponent), "pipeline_percent")]
[JsonDerivedType(typeof(ClosedWonComponent), "closed_won")]
public abstract record PlanComponent
{
    /// <summary>The component's id, used in line ids and statements (e.g. <c>meeting_held</c>).</summary>
    public required string Id { get; init; }

    /// <summary>Only held meetings pay (the default): a no-show, a cancelled or a not-yet-held meeting earns nothing.</summary>
    public bool RequiresHeld { get; init; } = true;

    public abstract ComponentOutcome Evaluate(Meeting meeting, Verdict verdict, Pricing pricing);

    public virtual IEnumerable<string> Validate(EvaluationContext context)
    {
        if (!Identifier.IsValid(Id))
        {
            yield return $"component id '{Id}' {Identifier.Describe(Id)}";
        }
    }

    /// <summary>Zero with the reason the meeting itself does not pay, or null when it was held (or need not be).</summary>
    protected ComponentOutcome? NotHeld(Meeting meeting, Pricing pricing)
    {
        if (!RequiresHeld || meeting.Status == MeetingStatus.Held)
        {
            return null;
        }

        var on = pricing.Context.LocalDateText(meeting.ScheduledFor);
        var (code, reason) = meeting.Status switch
        {
            MeetingStatus.NoShow => ("MEETING_NO_SHOW", $"No-show on {on}: no-shows are not paid"),
            MeetingStatus.Cancelled => ("MEETING_CANCELLED", $"Meeting for {on} was cancelled: cancelled meetings are not paid"),
            MeetingStatus.Rescheduled => ("MEETING_RESCHEDULED", $"Meeting for {on} was rescheduled: it pays once it is held"),
            _ => ("MEETING_NOT_YET_HELD", $"Meeting scheduled for {on} has not been held yet: it pays once it is held"),
        };
        return Zero(pricing, reason, code);
    }

    /// <summary>The opportunity amount in the plan's currency (converted at the rate in force on the day the opportunity was created), or why it cannot be.</summary>
    protected (Money.Money? Amount, string? Note, ComponentOutcome? Problem) OpportunityValue(Meeting meeting, Pricing pricing)
    {
        var opportunity = meeting.OpportunityId;
        if (meeting.OpportunityAmount is not { } value || meeting.Currency is null)
        {
            return (null, null, Zero(pricing, $"Opportunity {opportunity} has no amount", "OPPORTUNITY_AMOUNT_MISSING"));
        }

        var original = new Money.Money(value, Money.Currency.Parse(meeting.Currency));
        var day = pricing.Context.Calendar.LocalDate(meeting.OpportunityCreatedAt ?? meeting.BookedAt);
        if (!pricing.Fx.TryConvert(original, pricing.Currency, day, out var converted, out var rate))
        {
            return (null, null, Zero(pricing,
                $"Not priced: opportunity {opportunity} is in {original.Currency} and there is no {original.Currency}→{pricing.Currency} rate on or before {day:yyyy-MM-dd} in the FX table",
                "UNPRICED_FX_RATE_MISSING"));
        }

        var note = rate is null ? "" : $" (converted from {original.ToDisplayString()} at {FxTable.Describe(rate)})";
        return (converted, note, null);
    }

    protected ComponentOutcome Zero(Pricing pricing, string reason, params string[] codes) =>
        new(Id, Money.Money.Zero(pricing.Currency).Rounded(), codes, reason);

    protected ComponentOutcome Pay(Money.Money amount, string reason, params string[] codes) =>
        new(Id, amount.Rounded(), codes, reason);

    protected static string PercentText(decimal percent) => percent.ToString("0.####", CultureInfo.InvariantCulture);
}

/// <summary>
/// A flat amount per meeting, under conditions: held (default) or merely set, accepted by the AE
/// (SAO), qualified (optionally only by some paths), with an opportunity created. The amount may
/// depend on the qualification path or the segment (<see cref="AmountByPath"/>, then
/// <see cref="AmountBySegment"/>, then <see cref="Amount"/>).
/// </summary>
public sealed record PerMeetingComponent : PlanComponent
{
    public decimal? Amount { get; init; }

    public bool RequiresQualified { get; init; }

    /// <summary>Only meetings qualified by one of these paths (e.g. <c>icp</c>, <c>ae_accepted</c>) pay; implies qualified.</summary>
    public IReadOnlyList<string>? QualifiedBy { get; init; }

    public bool RequiresAeAccepted { get; init; }

    public bool RequiresOpportunity { get; init; }

    public IReadOnlyDictionary<string, decimal>? AmountByPath { get; init; }

    public IReadOnlyDictionary<string, decimal>? AmountBySegment { get; init; }

    public override ComponentOutcome Evaluate(Meeting meeting, Verdict verdict, Pricing pricing)
    {
        if (NotHeld(meeting, pricing) is { } notHeld)
        {
            return notHeld;
        }

        if (RequiresAeAccepted && meeting.AeDecision != AeDecision.Accepted)
        {
            return Zero(pricing, $"Not paid: the AE has not accepted the meeting (decision: {meeting.AeDecision.ToContractText()})", "AE_NOT_ACCEPTED");
        }

        if (RequiresOpportunity && meeting.OpportunityId is null)
        {
            return Zero(pricing, "Not paid: no opportunity has been created from this meeting yet", "NO_OPPORTUNITY");
        }

        var mustQualify = RequiresQualified || QualifiedBy is not null;
        if (mustQualify && !verdict.Qualified)
        {
            return Zero(pricing, $"Not paid: the meeting is {verdict.Explanation}", "NOT_QUALIFIED");
        }

        if (QualifiedBy is not null && !QualifiedBy.Contains(verdict.By!, StringComparer.Ordinal))
        {
            return Zero(pricing, $"Not paid: qualified by {verdict.By}, and this component pays only meetings qualified by {string.Join(" or ", QualifiedBy)}", "QUALIFIED_BY_OTHER_PATH");
        }

        var (amount, basis) = ResolveAmount(meeting, verdict);
        if (amount is null)
        {
            return Zero(pricing, $"Not priced: the plan gives no amount for segment {meeting.Segment ?? "(none)"}", "UNPRICED_NO_AMOUNT");
        }

        var money = new Money.Money(amount.Value, pricing.Currency);
        var kind = string.Join(" ", new[] { RequiresAeAccepted ? "AE-accepted" : null, mustQualify ? "qualified" : null }.Where(k => k is not null));
        var article = kind.Length > 0 && "aeiouAEIOU".Contains(kind[0], StringComparison.Ordinal) ? "an" : "a";
        var when = RequiresHeld ? $"held on {pricing.Context.LocalDateText(meeting.ScheduledFor)}" : $"set on {pricing.Context.LocalDateText(meeting.BookedAt)}";
        var description = kind.Length == 0 ? $"a meeting {when}" : $"{article} {kind} meeting {when}";
        var opportunity = RequiresOpportunity ? $" with opportunity {meeting.OpportunityId}" : "";
        var why = mustQualify ? $" ({verdict.Explanation})" : "";
        var code = mustQualify ? "QUALIFIED" : RequiresAeAccepted ? "SAO" : RequiresOpportunity ? "OPPORTUNITY_CREATED" : RequiresHeld ? "MEETING_HELD" : "MEETING_SET";
        return Pay(money, $"{money.ToDisplayString()} for {description}{opportunity}{basis}{why}", code);
    }

    private (decimal? Amount, string Basis) ResolveAmount(Meeting meeting, Verdict verdict)
    {
        if (verdict.By is { } path && AmountByPath?.TryGetValue(path, out var byPath) == true)
        {
            return (byPath, $", the rate for meetings qualified by {path}");
        }

        if (meeting.Segment is { } segment && AmountBySegment?.FirstOrDefault(kv => string.Equals(kv.Key, segment, StringComparison.OrdinalIgnoreCase)) is { Key: not null } bySegment)
        {
            return (bySegment.Value, $", the {bySegment.Key} segment rate");
        }

        return (Amount, "");
    }

    public override IEnumerable<string> Validate(EvaluationContext context)
    {
        foreach (var problem in base.Validate(context))
        {
            yield return problem;
        }

        if (Amount is null && AmountByPath is null && AmountBySegment is null)
        {
            yield return $"{Id}: give 'amount', 'amount_by_path' or 'amount_by_segment'";
        }

        if (new[] { Amount }.Concat((AmountByPath?.Values ?? []).Select(v => (decimal?)v)).Concat((AmountBySegment?.Values ?? []).Select(v => (decimal?)v)).Any(a => a < 0))
        {
            yield return $"{Id}: amounts must be ≥ 0";
        }

        var paths = new[] { IcpPath.TypeName, AeAcceptedPath.TypeName, StageReachedPath.TypeName, ExceptionPath.TypeName, MeetingSetPath.TypeName };
        foreach (var path in (QualifiedBy ?? []).Concat(AmountByPath?.Keys ?? []).Where(p => !paths.Contains(p)))
        {
            yield return $"{Id}: '{path}' is not a qualification path ({string.Join(", ", paths)})";
        }
    }
}

/// <summary>A component that pays on an opportunity's value: it pays once per opportunity, on the first meeting that carries it.</summary>
public interface IPaysOnOpportunity;

/// <summary>
/// A percentage of the opportunity amount, once the opportunity has reached <see cref="MinStage"/>
/// (the furthest stage it ever reached counts, so a deal lost after Negotiation still pays). When
/// two of an SDR's meetings carry the same opportunity, only the first one pays it.
/// </summary>
public sealed record PipelinePercentComponent : PlanComponent, IPaysOnOpportunity
{
    public required decimal Percent { get; init; }

    public required string MinStage { get; init; }

    public override ComponentOutcome Evaluate(Meeting meeting, Verdict verdict, Pricing pricing)
    {
        if (NotHeld(meeting, pricing) is { } notHeld)
        {
            return notHeld;
        }

        if (meeting.OpportunityId is not { } opportunity)
        {
            return Zero(pricing, "No opportunity has been created from this meeting yet", "NO_OPPORTUNITY");
        }

        var reached = meeting.FurthestStage;
        if (!pricing.Context.Stages.HasReached(reached, MinStage))
        {
            var sofar = reached is null ? "has not reached a pipeline stage yet" : $"has reached {reached} so far";
            return Zero(pricing, $"Opportunity {opportunity} {sofar}: pipeline pays from {MinStage}", "PIPELINE_STAGE_NOT_REACHED");
        }

        var (pipeline, note, problem) = OpportunityValue(meeting, pricing);
        if (problem is not null)
        {
            return problem;
        }

        var why = string.Equals(reached, MinStage, StringComparison.OrdinalIgnoreCase) ? "" : $" ({MinStage} or later pays)";
        return Pay(pipeline!.Value.Times(Percent / 100m),
            $"{PercentText(Percent)}% of {pipeline.Value.ToDisplayString()} pipeline{note}: opportunity {opportunity} reached {reached}{why}",
            "PIPELINE_STAGE_REACHED");
    }

    public override IEnumerable<string> Validate(EvaluationContext context)
    {
        foreach (var problem in base.Validate(context))
        {
            yield return problem;
        }

        if (Percent is < 0 or > 100)
        {
            yield return $"{Id}: percent must be between 0 and 100";
        }

        if (!context.Stages.Contains(MinStage))
        {
            yield return $"{Id}: min_stage '{MinStage}' is not one of the configured stages ({string.Join(", ", context.Stages.Stages)})";
        }
    }
}

/// <summary>A bonus and/or a percentage of the amount when the opportunity is won (reached <see cref="WonStage"/>, by default the last stage).</summary>
public sealed record ClosedWonComponent : PlanComponent, IPaysOnOpportunity
{
    public decimal? Bonus { get; init; }

    public decimal? Percent { get; init; }

    public string? WonStage { get; init; }

    public override ComponentOutcome Evaluate(Meeting meeting, Verdict verdict, Pricing pricing)
    {
        if (NotHeld(meeting, pricing) is { } notHeld)
        {
            return notHeld;
        }

        var won = WonStage ?? pricing.Context.Stages.Stages[^1];
        if (meeting.OpportunityId is not { } opportunity)
        {
            return Zero(pricing, "No opportunity has been created from this meeting yet", "NO_OPPORTUNITY");
        }

        if (!pricing.Context.Stages.HasReached(meeting.FurthestStage, won))
        {
            return Zero(pricing, $"Opportunity {opportunity} is not won (furthest stage: {meeting.FurthestStage ?? "none"})", "NOT_WON");
        }

        var total = Money.Money.Zero(pricing.Currency);
        var parts = new List<string>();
        if (Bonus is { } bonus)
        {
            total += new Money.Money(bonus, pricing.Currency);
            parts.Add($"{new Money.Money(bonus, pricing.Currency).ToDisplayString()} bonus");
        }

        if (Percent is { } percent)
        {
            var (revenue, note, problem) = OpportunityValue(meeting, pricing);
            if (problem is not null)
            {
                return problem;
            }

            total += revenue!.Value.Times(percent / 100m);
            parts.Add($"{PercentText(percent)}% of {revenue.Value.ToDisplayString()} closed-won revenue{note}");
        }

        return Pay(total, $"{string.Join(" + ", parts)}: opportunity {opportunity} was won", "CLOSED_WON");
    }

    public override IEnumerable<string> Validate(EvaluationContext context)
    {
        foreach (var problem in base.Validate(context))
        {
            yield return problem;
        }

        if (Bonus is null && Percent is null)
        {
            yield return $"{Id}: give 'bonus', 'percent' or both";
        }

        if (Bonus < 0 || Percent is < 0 or > 100)
        {
            yield return $"{Id}: 'bonus' must be ≥ 0 and 'percent' between 0 and 100";
        }

        if (WonStage is not null && !context.Stages.Contains(WonStage))
        {
            yield return $"{Id}: won_stage '{WonStage}' is not one of the configured stages";
        }
    }
}
