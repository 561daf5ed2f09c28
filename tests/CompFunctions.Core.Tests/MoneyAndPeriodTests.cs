using CompFunctions.Core.Money;
using CompFunctions.Core.Periods;
using Xunit;

namespace CompFunctions.Core.Tests;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("0.005", "0.01")]
    [InlineData("0.015", "0.02")]
    [InlineData("-0.005", "-0.01")]
    [InlineData("479.994", "479.99")]
    [InlineData("50", "50.00")]
    public void Rounding_is_half_away_from_zero_to_the_minor_unit(string amount, string expected)
    {
        var money = new Money.Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), Currency.USD);

        Assert.Equal(expected, money.ToInvariantString());
    }

    [Fact]
    public void Yen_has_no_minor_unit()
    {
        Assert.Equal("1235", new Money.Money(1234.5m, Currency.Parse("jpy")).ToInvariantString());
    }

    [Fact]
    public void Adding_different_currencies_is_refused()
    {
        var usd = new Money.Money(1m, Currency.USD);
        var eur = new Money.Money(1m, Currency.Parse("EUR"));

        Assert.Throws<InvalidOperationException>(() => usd + eur);
    }

    [Fact]
    public void A_currency_equals_every_other_parse_of_its_code_whatever_the_case_and_keeps_its_minor_unit()
    {
        Assert.Equal(Currency.USD, Currency.Parse(" usd "));
        Assert.Equal(Currency.USD.GetHashCode(), Currency.Parse("Usd").GetHashCode());
        Assert.NotEqual(Currency.USD, Currency.Parse("EUR"));
        Assert.Equal((3, 0, 2), (Currency.Parse("kwd").MinorUnits, Currency.Parse("JPY").MinorUnits, Currency.Parse("EUR").MinorUnits));
        Assert.Equal((null, 0), (default(Currency).Code, default(Currency).MinorUnits));
        Assert.NotEqual(default, Currency.USD);
    }

    [Theory]
    [InlineData("US")]
    [InlineData("US1")]
    [InlineData("")]
    public void Malformed_currency_codes_are_refused(string code)
    {
        Assert.False(Currency.TryParse(code, out _));
    }

    [Fact]
    public void Display_form_groups_thousands_for_reasons()
    {
        Assert.Equal("48,000.00 USD", new Money.Money(48000m, Currency.USD).ToDisplayString());
    }
}

public sealed class CompPeriodTests
{
    private static readonly CompanyCalendar LosAngeles = new("America/Los_Angeles");

    [Theory]
    [InlineData("2026-11", 2026, 11)]
    [InlineData("2027-01", 2027, 1)]
    public void Parses_iso_months(string text, int year, int month)
    {
        Assert.Equal(new CompPeriod(year, month), CompPeriod.Parse(text));
        Assert.Equal(text, CompPeriod.Parse(text).ToString());
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-00")]
    [InlineData("26-11")]
    [InlineData("2026-1")]
    [InlineData("2026-11-01")]
    [InlineData("")]
    public void Refuses_anything_but_yyyy_mm(string text)
    {
        Assert.False(CompPeriod.TryParse(text, out _));
    }

    [Fact]
    public void A_meeting_booked_on_halloween_evening_in_los_angeles_is_october_although_utc_says_november()
    {
        var bookedAt = DateTimeOffset.Parse("2026-11-01T02:30:00Z", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(CompPeriod.Parse("2026-10"), LosAngeles.PeriodOf(bookedAt));
    }

    [Fact]
    public void The_same_instant_is_november_in_madrid()
    {
        var bookedAt = DateTimeOffset.Parse("2026-11-01T02:30:00Z", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(CompPeriod.Parse("2026-11"), new CompanyCalendar("Europe/Madrid").PeriodOf(bookedAt));
    }

    [Fact]
    public void December_is_followed_by_january_of_the_next_year()
    {
        Assert.Equal(CompPeriod.Parse("2027-01"), CompPeriod.Parse("2026-12").Next());
    }

    [Fact]
    public void Local_wall_clock_times_use_the_offset_in_force_that_day()
    {
        var summer = LosAngeles.AtLocal(new DateOnly(2026, 7, 1), new TimeOnly(6, 0));
        var winter = LosAngeles.AtLocal(new DateOnly(2026, 12, 1), new TimeOnly(6, 0));

        Assert.Equal(TimeSpan.FromHours(-7), summer.Offset);
        Assert.Equal(TimeSpan.FromHours(-8), winter.Offset);
    }
}
