using System.Globalization;
using CompFunctions.Core.Money;
using CompFunctions.Core.Periods;

namespace CompFunctions.Core.Comparison;

/// <summary>
/// What a team may spend on SDR pay in a period. A team is the SDRs it names, or every SDR paid
/// (the whole roster) when it names none. <see cref="Periods"/> overrides <see cref="Monthly"/>
/// for the months it lists; a period with neither has no budget.
/// </summary>
public sealed record TeamBudget(string Team, Currency Currency, decimal? Monthly, IReadOnlyDictionary<CompPeriod, decimal> Periods, IReadOnlyList<string> Sdrs)
{
    public decimal? AmountFor(CompPeriod period) => Periods.TryGetValue(period, out var amount) ? amount : Monthly;

    public bool Covers(string sdrId) => Sdrs.Count == 0 || Sdrs.Contains(sdrId, StringComparer.Ordinal);

    public string Members => Sdrs.Count == 0 ? "every SDR" : string.Join(", ", Sdrs);
}

/// <summary>
/// A team's spend in a period against its budget. <see cref="DaysElapsed"/> counts the days of
/// the month up to and including today in the company time zone (all of them once the month is
/// over, none before it starts); <see cref="Projected"/> is the spend so far pro-rated over them:
/// spend × days in the month ÷ days elapsed, rounded once to the currency's minor unit.
/// </summary>
public sealed record BudgetCheck(string Team, string Members, string Currency, decimal Budget, decimal Spend, decimal Remaining, int DaysElapsed, int DaysInPeriod, decimal? Projected, string Status, string Summary)
{
    /// <summary>Spend and projection are within the budget.</summary>
    public const string Within = "within";

    /// <summary>Spend is within the budget, but pro-rated over the month it would exceed it.</summary>
    public const string OnCourseToExceed = "on_course_to_exceed";

    /// <summary>Spend so far is already over the budget.</summary>
    public const string Exceeded = "exceeded";

    /// <summary>The month has not begun in the company time zone: nothing to project.</summary>
    public const string NotStarted = "not_started";

    public bool IsWarning => Status is OnCourseToExceed or Exceeded;

    /// <summary>Checks <paramref name="spend"/> (the team's statements' net for the period) against <paramref name="budget"/> on the local day <paramref name="today"/>.</summary>
    public static BudgetCheck For(TeamBudget team, CompPeriod period, decimal budget, decimal spend, DateOnly today)
    {
        var c = CultureInfo.InvariantCulture;
        var first = new DateOnly(period.Year, period.Month, 1);
        var days = DateTime.DaysInMonth(period.Year, period.Month);
        var elapsed = today < first ? 0 : today > first.AddDays(days - 1) ? days : today.Day;
        decimal? projected = elapsed == 0 ? null : Math.Round(spend * days / elapsed, team.Currency.MinorUnits, MidpointRounding.AwayFromZero);
        string Show(decimal amount) => new Money.Money(amount, team.Currency).ToDisplayString();
        var so = elapsed == days
            ? $"{Show(spend)} spent in {period} (the whole month)"
            : string.Create(c, $"{Show(spend)} spent in {elapsed} of {days} days of {period}");
        var (status, summary) = true switch
        {
            _ when spend > budget => (Exceeded, $"{so}: over the budget of {Show(budget)} by {Show(spend - budget)}"),
            _ when projected is null => (NotStarted, $"{period} has not started; budget {Show(budget)}"),
            _ when projected > budget => (OnCourseToExceed, $"{so}, on course for {Show(projected.Value)} by the end of the month: {Show(projected.Value - budget)} over the budget of {Show(budget)}"),
            _ => (Within, elapsed == days ? $"{so}, within the budget of {Show(budget)}" : $"{so}, on course for {Show(projected!.Value)}, within the budget of {Show(budget)}"),
        };
        return new BudgetCheck(team.Team, team.Members, team.Currency.Code, budget, spend, budget - spend, elapsed, days, projected, status, $"Team {team.Team}: {summary}");
    }
}
