using System.Globalization;
using System.Text.Json.Serialization;

namespace CompFunctions.Core.Plans;

/// <summary>
/// Rules that need all of one SDR's meetings of the period: a quota with tiers, caps, and the
/// reduced quota and guarantee of a ramping SDR.
/// </summary>
public sealed record PeriodRules(QuotaRule? Quota = null, IReadOnlyList<ComponentCap>? Caps = null, decimal? PeriodCap = null, RampRule? Ramp = null)
{
    public IEnumerable<string> Validate(IReadOnlyCollection<string> components)
    {
        foreach (var problem in Quota?.Validate(components) ?? [])
        {
            yield return "period_rules.quota." + problem;
        }

        foreach (var cap in Caps ?? [])
        {
            if (!components.Contains(cap.Component))
            {
                yield return $"period_rules.caps: '{cap.Component}' is not a component of this plan";
            }

            if (cap.Max < 0)
            {
                yield return $"period_rules.caps: the cap of '{cap.Component}' is below zero";
            }
        }

        if (PeriodCap < 0)
        {
            yield return "period_rules.period_cap: must be ≥ 0";
        }

        foreach (var problem in Ramp?.Validate() ?? [])
        {
            yield return "period_rules.ramp." + problem;
        }
    }
}

/// <summary>What a quota counts.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<QuotaMeasure>))]
public enum QuotaMeasure
{
    [JsonStringEnumMemberName("qualified_meetings")]
    QualifiedMeetings,

    [JsonStringEnumMemberName("sao")]
    Sao,

    [JsonStringEnumMemberName("held_meetings")]
    HeldMeetings,
}

[JsonConverter(typeof(JsonStringEnumConverter<TierMode>))]
public enum TierMode
{
    /// <summary>The tier reached by the period's total applies to every counted meeting.</summary>
    [JsonStringEnumMemberName("retroactive")]
    Retroactive,

    /// <summary>Each counted meeting, in booked order, gets the tier its own position reaches.</summary>
    [JsonStringEnumMemberName("marginal")]
    Marginal,
}

/// <summary>
/// One tier: it applies from <see cref="FromPercent"/> of quota (inclusive) or above
/// <see cref="AbovePercent"/> (exclusive), whichever is given, up to the next tier.
/// </summary>
public sealed record QuotaTier(decimal Rate, decimal? FromPercent = null, decimal? AbovePercent = null)
{
    [JsonIgnore]
    public decimal Threshold => FromPercent ?? AbovePercent ?? 0m;

    public bool Reached(decimal attainment) => FromPercent is { } from ? attainment >= from : attainment > AbovePercent;

    public override string ToString() => FromPercent is { } from
        ? string.Create(CultureInfo.InvariantCulture, $"from {from:0.##}%")
        : string.Create(CultureInfo.InvariantCulture, $"above {AbovePercent:0.##}%");
}

/// <summary>
/// A quota of <see cref="Target"/> counted meetings a period, whose attainment sets a rate that
/// multiplies the lines of the components in <see cref="AppliesTo"/>.
/// </summary>
public sealed record QuotaRule(QuotaMeasure Measure, decimal Target, IReadOnlyList<string> AppliesTo, IReadOnlyList<QuotaTier> Tiers, TierMode Mode = TierMode.Retroactive)
{
    /// <summary>The tier in force at an attainment (percent of quota).</summary>
    public QuotaTier TierAt(decimal attainment) => Tiers.Last(t => t.Reached(attainment) || t == Tiers[0]);

    public IEnumerable<string> Validate(IReadOnlyCollection<string> components)
    {
        if (Target <= 0)
        {
            yield return "target: must be greater than 0";
        }

        foreach (var id in (AppliesTo ?? []).Where(id => !components.Contains(id)))
        {
            yield return $"applies_to: '{id}' is not a component of this plan";
        }

        if (Tiers is null || Tiers.Count == 0)
        {
            yield return "tiers: list at least one tier";
            yield break;
        }

        if (Tiers.Any(t => (t.FromPercent is null) == (t.AbovePercent is null)))
        {
            yield return "tiers: give each tier exactly one of 'from_percent' and 'above_percent'";
        }

        if (Tiers[0].FromPercent != 0m)
        {
            yield return "tiers: the first tier must start at 'from_percent': 0, or attainments below it would have no rate (a gap)";
        }

        for (var i = 1; i < Tiers.Count; i++)
        {
            if (Tiers[i].Threshold < Tiers[i - 1].Threshold || (Tiers[i].Threshold == Tiers[i - 1].Threshold && Tiers[i].AbovePercent is null))
            {
                yield return $"tiers: tier {i + 1} ({Tiers[i]}) overlaps tier {i} ({Tiers[i - 1]}); list tiers in increasing order";
            }
        }

        if (Tiers.Any(t => t.Rate < 0))
        {
            yield return "tiers: a rate is negative";
        }
    }
}

/// <summary>At most <see cref="Max"/> a period from one component; lines beyond it are reduced and say so.</summary>
public sealed record ComponentCap(string Component, decimal Max);

/// <summary>
/// A ramping SDR's first <see cref="Months"/> months from their start date: the quota is
/// multiplied by <see cref="QuotaFactor"/>, and the period pays at least <see cref="Guarantee"/>.
/// </summary>
public sealed record RampRule(int Months, decimal QuotaFactor = 1m, decimal? Guarantee = null)
{
    public IEnumerable<string> Validate()
    {
        if (Months < 1)
        {
            yield return "months: must be 1 or more";
        }

        if (QuotaFactor is <= 0 or > 1)
        {
            yield return "quota_factor: must be greater than 0 and at most 1";
        }

        if (Guarantee < 0)
        {
            yield return "guarantee: must be ≥ 0";
        }
    }
}
