using System.Globalization;
using System.Text.Json.Serialization;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Qualification;

namespace CompFunctions.Core.Plans;

/// <summary>
/// One component of a compensation plan: a small, immutable piece of the plan document that
/// decides one amount for one meeting. The JSON <c>type</c> names the class.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(PerMeetingComponent), "per_meeting")]
[JsonDerivedType(typeof(PipelinePercentComponent), "pipeline_percent")]
public abstract record PlanComponent
{
    /// <summary>The component's id, used in line ids and statements (e.g. <c>meeting_held</c>).</summary>
    public required string Id { get; init; }

    /// <summary>Only held meetings pay (the default): a no-show, a cancelled or a not-yet-held meeting earns nothing.</summary>
    public bool RequiresHeld { get; init; } = true;

    public abstract ComponentOutcome Evaluate(Meeting meeting, Verdict verdict, Money.Currency currency, EvaluationContext context);

    public virtual IEnumerable<string> Validate(EvaluationContext context)
    {
        if (!Identifier.IsValid(Id))
        {
            yield return $"component id '{Id}' {Identifier.Describe(Id)}";
        }
    }

    /// <summary>Zero with the reason the meeting itself does not pay, or null when it was held (or need not be).</summary>
    protected ComponentOutcome? NotHeld(Meeting meeting, Money.Currency currency, EvaluationContext context)
    {
        if (!RequiresHeld || meeting.Status == MeetingStatus.Held)
        {
            return null;
        }

        var on = context.LocalDateText(meeting.ScheduledFor);
        var (code, reason) = meeting.Status switch
        {
            MeetingStatus.NoShow => ("MEETING_NO_SHOW", $"No-show on {on}: no-shows are not paid"),
            MeetingStatus.Cancelled => ("MEETING_CANCELLED", $"Meeting for {on} was cancelled: cancelled meetings are not paid"),
            MeetingStatus.Rescheduled => ("MEETING_RESCHEDULED", $"Meeting for {on} was rescheduled: it pays once it is held"),
            _ => ("MEETING_NOT_YET_HELD", $"Meeting scheduled for {on} has not been held yet: it pays once it is held"),
        };
        return Zero(currency, reason, code);
    }

    protected ComponentOutcome Zero(Money.Currency currency, string reason, params string[] codes) =>
        new(Id, Money.Money.Zero(currency), codes, reason);

    protected ComponentOutcome Pay(Money.Money amount, string reason, params string[] codes) =>
        new(Id, amount.Rounded(), codes, reason);
}

/// <summary>A flat amount per meeting; optionally only for qualified meetings.</summary>
public sealed record PerMeetingComponent : PlanComponent
{
    public required decimal Amount { get; init; }

    public bool RequiresQualified { get; init; }

    public override ComponentOutcome Evaluate(Meeting meeting, Verdict verdict, Money.Currency currency, EvaluationContext context)
    {
        if (NotHeld(meeting, currency, context) is { } notHeld)
        {
            return notHeld;
        }

        var amount = new Money.Money(Amount, currency);
        var when = RequiresHeld ? $"held on {context.LocalDateText(meeting.ScheduledFor)}" : $"set on {context.LocalDateText(meeting.BookedAt)}";
        if (!RequiresQualified)
        {
            return Pay(amount, $"{amount.ToDisplayString()} for a meeting {when}", RequiresHeld ? "MEETING_HELD" : "MEETING_SET");
        }

        return verdict.Qualified
            ? Pay(amount, $"{amount.ToDisplayString()} for a qualified meeting {when} ({verdict.Explanation})", "QUALIFIED")
            : Zero(currency, $"Not paid: the meeting is {verdict.Explanation}", "NOT_QUALIFIED");
    }

    public override IEnumerable<string> Validate(EvaluationContext context)
    {
        foreach (var problem in base.Validate(context))
        {
            yield return problem;
        }

        if (Amount < 0)
        {
            yield return $"{Id}: amount must be ≥ 0";
        }
    }
}

/// <summary>
/// A percentage of the opportunity amount, once the opportunity has reached <see cref="MinStage"/>
/// (the furthest stage it ever reached counts, so a deal lost after Negotiation still pays).
/// </summary>
public sealed record PipelinePercentComponent : PlanComponent
{
    public required decimal Percent { get; init; }

    public required string MinStage { get; init; }

    public override ComponentOutcome Evaluate(Meeting meeting, Verdict verdict, Money.Currency currency, EvaluationContext context)
    {
        if (NotHeld(meeting, currency, context) is { } notHeld)
        {
            return notHeld;
        }

        if (meeting.OpportunityId is not { } opportunity)
        {
            return Zero(currency, "No opportunity has been created from this meeting yet", "NO_OPPORTUNITY");
        }

        var reached = meeting.FurthestStage;
        if (!context.Stages.HasReached(reached, MinStage))
        {
            var sofar = reached is null ? "has not reached a pipeline stage yet" : $"has reached {reached} so far";
            return Zero(currency, $"Opportunity {opportunity} {sofar}: pipeline pays from {MinStage}", "PIPELINE_STAGE_NOT_REACHED");
        }

        if (meeting.OpportunityAmount is not { } value)
        {
            return Zero(currency, $"Opportunity {opportunity} reached {reached} but has no amount", "OPPORTUNITY_AMOUNT_MISSING");
        }

        if (!string.Equals(meeting.Currency, currency.Code, StringComparison.Ordinal))
        {
            return Zero(currency, $"Opportunity {opportunity} is in {meeting.Currency}; this plan pays in {currency.Code} and converts no currencies", "CURRENCY_MISMATCH");
        }

        var pipeline = new Money.Money(value, currency);
        var rate = Percent.ToString("0.####", CultureInfo.InvariantCulture);
        var why = string.Equals(reached, MinStage, StringComparison.OrdinalIgnoreCase) ? "" : $" ({MinStage} or later pays)";
        return Pay(pipeline.Times(Percent / 100m),
            $"{rate}% of {pipeline.ToDisplayString()} pipeline: opportunity {opportunity} reached {reached}{why}",
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
