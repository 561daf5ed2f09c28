using CompFunctions.Core.Periods;
using CompFunctions.Pipeline;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary><c>Compensation:Budgets</c> is checked at start-up like every other setting.</summary>
public sealed class BudgetOptionsTests
{
    private static CompensationOptions With(string team, BudgetOptions budget) => new() { Budgets = new() { [team] = budget } };

    [Fact]
    public void A_budget_with_no_amount_a_bad_month_or_a_bad_currency_fails_validation_naming_the_setting()
    {
        var result = new CompensationOptionsValidator().Validate(null, new CompensationOptions
        {
            Budgets = new()
            {
                ["west"] = new BudgetOptions(),
                ["east"] = new BudgetOptions { Currency = "dollars", Periods = { ["2026-13"] = 100m } },
            },
        });

        Assert.True(result.Failed);
        Assert.Contains("Compensation:Budgets:west: give a Monthly amount or Periods (e.g. Compensation:Budgets:west:Periods:2026-12 = 3000).", result.Failures!);
        Assert.Contains("Compensation:Budgets:east:Currency 'dollars' is not an ISO 4217 code (three letters, e.g. USD).", result.Failures!);
        Assert.Contains("Compensation:Budgets:east:Periods: '2026-13' is not a month in the form YYYY-MM.", result.Failures!);
    }

    [Fact]
    public void A_month_listed_in_periods_overrides_the_monthly_amount_and_no_sdrs_means_everyone()
    {
        var options = With("all", new BudgetOptions { Monthly = 2500m, Periods = { ["2026-12"] = 4000m } });

        Assert.False(new CompensationOptionsValidator().Validate(null, options).Failed);
        var budget = Assert.Single(options.TeamBudgets());
        Assert.Equal((2500m, 4000m, true), (budget.AmountFor(CompPeriod.Parse("2026-11"))!.Value, budget.AmountFor(CompPeriod.Parse("2026-12"))!.Value, budget.Covers("anyone")));
    }
}
