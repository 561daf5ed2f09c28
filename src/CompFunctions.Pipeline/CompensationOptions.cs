using System.ComponentModel.DataAnnotations;
using CompFunctions.Core.Meetings;
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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
