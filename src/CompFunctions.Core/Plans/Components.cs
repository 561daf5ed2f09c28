using System.Globalization;
using System.Text.Json.Serialization;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;
using CompFunctions.Core.Text;

namespace CompFunctions.Core.Plans;

/// <summary>What a component needs besides the meeting: the plan's currency, the company settings and the exchange rates.</summary>
public sealed record Pricing(Money.Currency Currency, EvaluationContext Context, FxTable Fx)
{
    /// <summary>Zero in the plan's currency, rounded as every line is (made once: most lines that pay nothing share it).</summary>
    public Money.Money Zero { get; } = Money.Money.Zero(Currency).Rounded();
}

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
    private protected static readonly LazyText NoOpportunityYet = Fixed("No opportunity has been created from this meeting yet");

    /// <summary>The sentences of meetings not held, by status and local day (see <see cref="NotHeldReason"/>).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(MeetingStatus Status, DateOnly Day), LazyText> NotHeldReasons = new();

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

        var code = meeting.Status switch
        {
            MeetingStatus.NoShow => "MEETING_NO_SHOW",
            MeetingStatus.Cancelled => "MEETING_CANCELLED",
            MeetingStatus.Rescheduled => "MEETING_RESCHEDULED",
            _ => "MEETING_NOT_YET_HELD",
        };
        return Zero(pricing, NotHeldReason(meeting.Status, pricing.Context.Calendar.LocalDate(meeting.ScheduledFor)), code);
    }

    /// <summary>
    /// Why a meeting with <paramref name="status"/> scheduled on local <paramref name="day"/> does not
    /// pay. The sentence depends on nothing else, so every component and every meeting with that
    /// status and day share one (formatted once, when first read; up to 10,000 are kept).
    /// </summary>
    private static LazyText NotHeldReason(MeetingStatus status, DateOnly day)
    {
        if (NotHeldReasons.TryGetValue((status, day), out var known))
        {
            return known;
        }

        var reason = LazyText.Of((status, day), static p =>
        {
            var on = p.day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return p.status switch
            {
                MeetingStatus.NoShow => $"No-show on {on}: no-shows are not paid",
                MeetingStatus.Cancelled => $"Meeting for {on} was cancelled: cancelled meetings are not paid",
                MeetingStatus.Rescheduled => $"Meeting for {on} was rescheduled: it pays once it is held",
                _ => $"Meeting scheduled for {on} has not been held yet: it pays once it is held",
            };
        });
        if (NotHeldReasons.Count < 10_000)
        {
            NotHeldReasons.TryAdd((status, day), reason);
        }

        return reason;
    }

    /// <summary>The opportunity amount in the plan's currency (converted at the rate in force on the day the opportunity was created), or why it cannot be.</summary>
    protected (Money.Money? Amount, string? Note, ComponentOutcome? Problem) OpportunityValue(Meeting meeting, Pricing pricing)
    {
        var opportunity = meeting.OpportunityId;
        if (meeting.OpportunityAmount is not { } value || meeting.Currency is null)
        {
            return (null, null, Zero(pricing, LazyText.Of(opportunity, static o => $"Opportunity {o} has no amount"), "OPPORTUNITY_AMOUNT_MISSING"));
        }

        var original = new Money.Money(value, Money.Currency.Parse(meeting.Currency));
        var day = pricing.Context.Calendar.LocalDate(meeting.OpportunityCreatedAt ?? meeting.BookedAt);
        if (!pricing.Fx.TryConvert(original, pricing.Currency, day, out var converted, out var rate))
        {
            return (null, null, Zero(pricing,
                LazyText.From($"Not priced: opportunity {opportunity} is in {original.Currency} and there is no {original.Currency}→{pricing.Currency} rate on or before {day:yyyy-MM-dd} in the FX table")!,
                "UNPRICED_FX_RATE_MISSING"));
        }

        var note = rate is null ? "" : $" (converted from {original.ToDisplayString()} at {FxTable.Describe(rate)})";
        return (converted, note, null);
    }

    private protected ComponentOutcome Zero(Pricing pricing, LazyText reason, string code) =>
        new(Id, pricing.Zero, Codes.Just(code), reason);

    private protected ComponentOutcome Pay(Money.Money amount, LazyText reason, string code) =>
        new(Id, amount.Rounded(), Codes.Just(code), reason);

    /// <summary>A sentence without parts, made once.</summary>
    private protected static LazyText Fixed(string text) => LazyText.From(text)!;

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
    private static readonly LazyText NoOpportunity = Fixed("Not paid: no opportunity has been created from this meeting yet");

    private Derived<PerMeetingComponent, string> _description = new();

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
            return Zero(pricing, LazyText.Of(meeting.AeDecision, static d => $"Not paid: the AE has not accepted the meeting (decision: {d.ToContractText()})"), "AE_NOT_ACCEPTED");
        }

        if (RequiresOpportunity && meeting.OpportunityId is null)
        {
            return Zero(pricing, NoOpportunity, "NO_OPPORTUNITY");
        }

        var mustQualify = RequiresQualified || QualifiedBy is not null;
        if (mustQualify && !verdict.Qualified)
        {
            return Zero(pricing, LazyText.Of(verdict, static v => $"Not paid: the meeting is {v.Explanation}"), "NOT_QUALIFIED");
        }

        if (QualifiedBy is not null && !QualifiedBy.Contains(verdict.By!, StringComparer.Ordinal))
        {
            return Zero(pricing, LazyText.Of((verdict.By, QualifiedBy), static p => $"Not paid: qualified by {p.By}, and this component pays only meetings qualified by {string.Join(" or ", p.QualifiedBy)}"), "QUALIFIED_BY_OTHER_PATH");
        }

        var (amount, basis) = ResolveAmount(meeting, verdict);
        if (amount is null)
        {
            return Zero(pricing, LazyText.Of(meeting.Segment, static s => $"Not priced: the plan gives no amount for segment {s ?? "(none)"}"), "UNPRICED_NO_AMOUNT");
        }

        var money = new Money.Money(amount.Value, pricing.Currency);
        var code = mustQualify ? "QUALIFIED" : RequiresAeAccepted ? "SAO" : RequiresOpportunity ? "OPPORTUNITY_CREATED" : RequiresHeld ? "MEETING_HELD" : "MEETING_SET";
        return Pay(money, LazyText.Of((this, amount.Value, meeting, verdict, pricing, basis), static p => p.Item1.PaidFor(new(p.Item2, p.pricing.Currency), p.meeting, p.verdict, p.pricing.Context, p.basis)), code);
    }

    /// <summary>Why a meeting is paid: the amount, what kind of meeting it was and when, the rate's basis and the verdict.</summary>
    private string PaidFor(Money.Money money, Meeting meeting, Verdict verdict, EvaluationContext context, string basis)
    {
        var mustQualify = RequiresQualified || QualifiedBy is not null;
        var when = context.LocalDateText(RequiresHeld ? meeting.ScheduledFor : meeting.BookedAt);
        return $"{money.ToDisplayString()} for {_description.For(this, static c => c.Description)}{when}{(RequiresOpportunity ? " with opportunity " : "")}{(RequiresOpportunity ? meeting.OpportunityId : "")}{basis}{(mustQualify ? " (" : "")}{(mustQualify ? verdict.Explanation : "")}{(mustQualify ? ")" : "")}";
    }

    /// <summary>What kind of meeting this component pays, up to its date: "a qualified meeting held on ".</summary>
    private string Description
    {
        get
        {
            var kind = string.Join(" ", new[] { RequiresAeAccepted ? "AE-accepted" : null, RequiresQualified || QualifiedBy is not null ? "qualified" : null }.Where(k => k is not null));
            var article = kind.Length > 0 && "aeiouAEIOU".Contains(kind[0], StringComparison.Ordinal) ? "an" : "a";
            var when = RequiresHeld ? "held on " : "set on ";
            return kind.Length == 0 ? $"a meeting {when}" : $"{article} {kind} meeting {when}";
        }
    }

    private (decimal? Amount, string Basis) ResolveAmount(Meeting meeting, Verdict verdict)
    {
        if (verdict.By is { } path && AmountByPath?.TryGetValue(path, out var byPath) == true)
        {
            return (byPath, $", the rate for meetings qualified by {path}");
        }

        if (meeting.Segment is { } segment && AmountBySegment is not null)
        {
            foreach (var bySegment in AmountBySegment)
            {
                if (string.Equals(bySegment.Key, segment, StringComparison.OrdinalIgnoreCase))
                {
                    return (bySegment.Value, $", the {bySegment.Key} segment rate");
                }
            }
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
            return Zero(pricing, NoOpportunityYet, "NO_OPPORTUNITY");
        }

        var reached = meeting.FurthestStage;
        if (!pricing.Context.Stages.HasReached(reached, MinStage))
        {
            return Zero(pricing, LazyText.Of((opportunity, reached, MinStage), static p =>
                $"Opportunity {p.opportunity} {(p.reached is null ? "has not reached a pipeline stage yet" : $"has reached {p.reached} so far")}: pipeline pays from {p.MinStage}"),
                "PIPELINE_STAGE_NOT_REACHED");
        }

        var (pipeline, note, problem) = OpportunityValue(meeting, pricing);
        if (problem is { } unpriced)
        {
            return unpriced;
        }

        return Pay(pipeline!.Value.Times(Percent / 100m),
            LazyText.Of((Percent, pipeline.Value, note, opportunity, reached, MinStage), static p =>
                $"{PercentText(p.Percent)}% of {p.Value.ToDisplayString()} pipeline{p.note}: opportunity {p.opportunity} reached {p.reached}{(string.Equals(p.reached, p.MinStage, StringComparison.OrdinalIgnoreCase) ? "" : $" ({p.MinStage} or later pays)")}"),
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
            return Zero(pricing, NoOpportunityYet, "NO_OPPORTUNITY");
        }

        if (!pricing.Context.Stages.HasReached(meeting.FurthestStage, won))
        {
            return Zero(pricing, LazyText.Of(meeting, static m => $"Opportunity {m.OpportunityId} is not won (furthest stage: {m.FurthestStage ?? "none"})"), "NOT_WON");
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
            if (problem is { } unpriced)
            {
                return unpriced;
            }

            total += revenue!.Value.Times(percent / 100m);
            parts.Add($"{PercentText(percent)}% of {revenue.Value.ToDisplayString()} closed-won revenue{note}");
        }

        return Pay(total, LazyText.From($"{string.Join(" + ", parts)}: opportunity {opportunity} was won")!, "CLOSED_WON");
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
