using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Policies;

namespace CompFunctions.Core.Plans;

/// <summary>
/// A compensation plan document, one version of it, in force from <see cref="EffectiveFrom"/>
/// (a local date, inclusive): the currency it pays in, the ruleset that decides qualification,
/// and the components that each decide one amount per meeting.
/// </summary>
public sealed record CompPlan(
    string Id,
    int Version,
    DateOnly EffectiveFrom,
    string Currency,
    string Ruleset,
    IReadOnlyList<PlanComponent> Components,
    PeriodRules? PeriodRules = null,
    ClawbackRule? Clawback = null,
    string? Rounding = null,
    string? Name = null,
    string? Description = null) : IPolicyDocument
{
    /// <summary>The JSON Schema an editor validates the document with; ignored by the product.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    /// <summary>The one rounding rule: every line is rounded once, half away from zero, to the currency's minor unit.</summary>
    public const string RoundingRule = "per_line_half_away_from_zero";

    public DocumentRef Ref => new(Id, Version);

    public Money.Currency PayCurrency => Money.Currency.Parse(Currency);

    public IEnumerable<string> Validate(EvaluationContext context)
    {
        if (!Identifier.IsValid(Id))
        {
            yield return $"id: '{Id}' {Identifier.Describe(Id)}";
        }

        if (Version < 1)
        {
            yield return "version: must be 1 or more";
        }

        if (!Money.Currency.TryParse(Currency, out _))
        {
            yield return $"currency: '{Currency}' is not an ISO 4217 code";
        }

        if (!Identifier.IsValid(Ruleset))
        {
            yield return "ruleset: must name the id of a ruleset";
        }

        if (Components is null || Components.Count == 0)
        {
            yield return "components: must list at least one component";
            yield break;
        }

        foreach (var duplicate in Components.GroupBy(c => c.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return $"components: id '{duplicate.Key}' is used more than once";
        }

        foreach (var problem in Components.SelectMany(c => c.Validate(context)))
        {
            yield return "components." + problem;
        }

        if (Clawback is { WindowDays: < 1 })
        {
            yield return "clawback.window_days: must be 1 or more";
        }

        if (Rounding is not null && Rounding != RoundingRule)
        {
            yield return $"rounding: the only rule is '{RoundingRule}' (each line, half away from zero, to the currency's minor unit)";
        }

        foreach (var problem in PeriodRules?.Validate(Components.Select(c => c.Id).ToArray()) ?? [])
        {
            yield return problem;
        }
    }
}

/// <summary>
/// When a meeting paid in a locked period turns out not to pay (a no-show, a disqualification, an
/// AE rejection), the amount is clawed back in the next open period if the CRM reported the change
/// within <see cref="WindowDays"/> days of the meeting; later than that, it is not, and the line says so.
/// </summary>
public sealed record ClawbackRule(int WindowDays);
