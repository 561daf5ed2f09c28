using System.ComponentModel.DataAnnotations;
using CompFunctions.Core.Comparison;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Money;
using CompFunctions.Core.Periods;
using Microsoft.Extensions.Options;

namespace CompFunctions.Pipeline;

/// <summary>Company settings, bound from the <c>Compensation</c> configuration section and validated at start-up.</summary>
public sealed class CompensationOptions
{
    public const string Section = "Compensation";

    /// <summary>IANA time zone that decides comp periods and the nightly check, e.g. <c>America/Los_Angeles</c>.</summary>
    [Required]
    public string TimeZone { get; set; } = "America/Los_Angeles";

    /// <summary>
    /// Opportunity stages in the order a deal moves through them; stages not listed (e.g. Closed Lost)
    /// are no progress. Empty means Discovery, Demo, Proposal, Negotiation, Closed Won.
    /// </summary>
    public List<string> Stages { get; set; } = [];

    public StageOrder StageOrder => Stages.Count == 0 ? StageOrder.Default : new StageOrder(Stages);

    /// <summary>The plan every SDR is paid under (<c>policies/plans/{PlanId}.json</c>); it names its ruleset.</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9._:\-]{1,64}$")]
    public string PlanId { get; set; } = "sdr-2026";

    /// <summary>The roster (<c>comp-config/rosters/</c>) that assigns SDRs to plans; until one is accepted, every SDR is on <see cref="PlanId"/>.</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9._:\-]{1,64}$")]
    public string RosterId { get; set; } = "roster";

    /// <summary>The exchange-rate table (<c>comp-config/fx/</c>) used to convert opportunity amounts.</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9._:\-]{1,64}$")]
    public string FxTableId { get; set; } = "fx";

    [Required]
    public NightlyCheckOptions NightlyCheck { get; set; } = new();

    /// <summary>
    /// How many statement lines each instance keeps rendered in memory (a 1,000-line statement
    /// takes about 1,000 of them, roughly 3 MB with its JSON, CSV and HTML). A request still checks
    /// with one point read that its copy is the current statement. 0 turns the cache off.
    /// </summary>
    [Range(0, 10_000_000)]
    public int StatementCacheLines { get; set; } = 20_000;

    /// <summary>
    /// Spend budgets per team (the key is the team's name, e.g. <c>Compensation:Budgets:all:Monthly</c>).
    /// Checked by <c>GET /api/measure/{period}</c>; none by default.
    /// </summary>
    public Dictionary<string, BudgetOptions> Budgets { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The budgets as the core checks them (call after validation).</summary>
    public IReadOnlyList<TeamBudget> TeamBudgets() => Budgets
        .OrderBy(b => b.Key, StringComparer.Ordinal)
        .Select(b => new TeamBudget(
            b.Key,
            Currency.Parse(b.Value.Currency),
            b.Value.Monthly,
            b.Value.Periods.ToDictionary(p => CompPeriod.Parse(p.Key), p => p.Value),
            [.. b.Value.Sdrs]))
        .ToArray();
}

/// <summary>
/// One team's budget for SDR pay: <see cref="Monthly"/> for every month, <see cref="Periods"/> for
/// the months that differ (<c>"2026-12": 3000</c>); the SDRs it covers, or every SDR when none are listed.
/// </summary>
public sealed class BudgetOptions
{
    public string Currency { get; set; } = "USD";

    public decimal? Monthly { get; set; }

    public Dictionary<string, decimal> Periods { get; set; } = [];

    public List<string> Sdrs { get; set; } = [];
}

public sealed class NightlyCheckOptions
{
    /// <summary>NCRONTAB schedule of the check (six fields, with seconds). Hourly by default: the check itself knows the deadline.</summary>
    [Required]
    public string Schedule { get; set; } = "0 15 * * * *";

    /// <summary>Local time, in the company time zone, by which the night's export must have arrived (HH:mm).</summary>
    [Required]
    [RegularExpression(@"^([01]\d|2[0-3]):[0-5]\d$")]
    public string ExpectedBy { get; set; } = "06:00";

    public TimeOnly ExpectedByTime => TimeOnly.ParseExact(ExpectedBy, "HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Checks what data annotations cannot: the time zone exists and the stage list is usable.</summary>
public sealed class CompensationOptionsValidator : IValidateOptions<CompensationOptions>
{
    public ValidateOptionsResult Validate(string? name, CompensationOptions options)
    {
        var failures = new List<string>();
        try
        {
            _ = new CompanyCalendar(options.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            failures.Add($"Compensation:TimeZone '{options.TimeZone}' is not a known IANA time zone (e.g. America/Los_Angeles).");
        }

        try
        {
            _ = options.StageOrder;
        }
        catch (ArgumentException ex)
        {
            failures.Add($"Compensation:Stages: {ex.Message}");
        }

        failures.AddRange(BudgetProblems(options.Budgets));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> BudgetProblems(Dictionary<string, BudgetOptions> budgets)
    {
        foreach (var (team, budget) in budgets)
        {
            var at = $"Compensation:Budgets:{team}";
            if (!Identifier.IsValid(team))
            {
                yield return $"{at}: the team name '{team}' {Identifier.Describe(team)}.";
            }

            if (!Currency.TryParse(budget.Currency, out _))
            {
                yield return $"{at}:Currency '{budget.Currency}' is not an ISO 4217 code (three letters, e.g. USD).";
            }

            if (budget.Monthly is null && budget.Periods.Count == 0)
            {
                yield return $"{at}: give a Monthly amount or Periods (e.g. {at}:Periods:2026-12 = 3000).";
            }

            if (budget.Monthly < 0)
            {
                yield return $"{at}:Monthly must not be negative.";
            }

            foreach (var (period, amount) in budget.Periods)
            {
                if (!CompPeriod.TryParse(period, out _))
                {
                    yield return $"{at}:Periods: '{period}' is not a month in the form YYYY-MM.";
                }

                if (amount < 0)
                {
                    yield return $"{at}:Periods:{period} must not be negative.";
                }
            }

            foreach (var sdr in budget.Sdrs.Where(s => !Identifier.IsValid(s)))
            {
                yield return $"{at}:Sdrs: '{sdr}' {Identifier.Describe(sdr)}.";
            }
        }
    }
}
