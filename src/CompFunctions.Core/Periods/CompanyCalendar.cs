using System.Collections.Concurrent;
using System.Globalization;

namespace CompFunctions.Core.Periods;

/// <summary>
/// Decides dates and periods in the company's time zone (an IANA id such as
/// <c>America/Los_Angeles</c>), never in UTC or the server's zone.
/// </summary>
public sealed class CompanyCalendar
{
    private const int RememberedDays = 4_000;

    private readonly ConcurrentDictionary<DateOnly, string> _dayTexts = new();

    public CompanyCalendar(string timeZoneId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(timeZoneId);
        TimeZone = TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);
        TimeZoneId = timeZoneId;
    }

    public string TimeZoneId { get; }

    public TimeZoneInfo TimeZone { get; }

    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, TimeZone);

    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant).DateTime);

    /// <summary>ISO date (<c>yyyy-MM-dd</c>) of an instant in the company's time zone, as reasons print it; each day's text is made once.</summary>
    public string LocalDateText(DateTimeOffset instant)
    {
        var day = LocalDate(instant);
        if (_dayTexts.TryGetValue(day, out var text))
        {
            return text;
        }

        text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (_dayTexts.Count < RememberedDays)
        {
            _dayTexts.TryAdd(day, text);
        }

        return text;
    }

    /// <summary>The comp period an instant falls in: the local calendar month.</summary>
    public CompPeriod PeriodOf(DateTimeOffset instant)
    {
        var local = ToLocal(instant);
        return new CompPeriod(local.Year, local.Month);
    }

    /// <summary>The instant a local wall-clock time happens on a local date (the earlier one in a DST overlap).</summary>
    public DateTimeOffset AtLocal(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        while (TimeZone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30); // a wall-clock time skipped by a DST jump: take the first valid one after it
        }

        var offset = TimeZone.IsAmbiguousTime(local)
            ? TimeZone.GetAmbiguousTimeOffsets(local).Max()
            : TimeZone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
