using System.Globalization;
using System.Text.RegularExpressions;

namespace CompFunctions.Core.Periods;

/// <summary>
/// A compensation period: one calendar month in the company's time zone. Printed and parsed as
/// ISO <c>YYYY-MM</c>. The period runs from the first day of the month at 00:00 local time
/// (inclusive) to the first day of the next month at 00:00 local time (exclusive).
/// </summary>
public readonly partial record struct CompPeriod : IComparable<CompPeriod>
{
    public CompPeriod(int year, int month)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 2000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9999);
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        Year = year;
        Month = month;
    }

    public int Year { get; }

    public int Month { get; }

    public CompPeriod Next() => Month == 12 ? new CompPeriod(Year + 1, 1) : new CompPeriod(Year, Month + 1);

    public CompPeriod Previous() => Month == 1 ? new CompPeriod(Year - 1, 12) : new CompPeriod(Year, Month - 1);

    public static bool TryParse(string? text, out CompPeriod period)
    {
        period = default;
        if (text is null || !IsoMonth().IsMatch(text))
        {
            return false;
        }

        var year = int.Parse(text.AsSpan(0, 4), CultureInfo.InvariantCulture);
        var month = int.Parse(text.AsSpan(5, 2), CultureInfo.InvariantCulture);
        if (year < 2000 || month is < 1 or > 12)
        {
            return false;
        }

        period = new CompPeriod(year, month);
        return true;
    }

    public static CompPeriod Parse(string text) =>
        TryParse(text, out var period)
            ? period
            : throw new FormatException($"'{text}' is not a period: expected YYYY-MM, e.g. 2026-11.");

    public int CompareTo(CompPeriod other) => (Year, Month).CompareTo((other.Year, other.Month));

    public override string ToString() =>
        Year.ToString("D4", CultureInfo.InvariantCulture) + "-" + Month.ToString("D2", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\d{4}-\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoMonth();
}
