using System.Globalization;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Policies;

namespace CompFunctions.Core.Plans;

/// <summary>One exchange rate: <see cref="Rate"/> units of <see cref="To"/> for one unit of <see cref="From"/>, from <see cref="Date"/> on.</summary>
public sealed record FxRate(string From, string To, DateOnly Date, decimal Rate);

/// <summary>
/// The exchange-rate document (<c>comp-config/fx/*.json</c>): rates by date. A conversion uses
/// the latest rate on or before the day asked for, and the line shows the rate it used.
/// </summary>
public sealed record FxTable(string Id, int Version, DateOnly EffectiveFrom, IReadOnlyList<FxRate> Rates, string? Name = null) : IPolicyDocument
{
    public static FxTable Empty { get; } = new("fx", 1, DateOnly.MinValue, []);

    [System.Text.Json.Serialization.JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public bool TryConvert(Money.Money amount, Money.Currency to, DateOnly on, out Money.Money converted, out FxRate? used)
    {
        used = null;
        converted = amount;
        if (amount.Currency == to)
        {
            return true;
        }

        used = Rates
            .Where(r => string.Equals(r.From, amount.Currency.Code, StringComparison.OrdinalIgnoreCase) && string.Equals(r.To, to.Code, StringComparison.OrdinalIgnoreCase) && r.Date <= on)
            .MaxBy(r => r.Date);
        if (used is null)
        {
            return false;
        }

        converted = new Money.Money(amount.Amount * used.Rate, to);
        return true;
    }

    public static string Describe(FxRate rate) =>
        string.Create(CultureInfo.InvariantCulture, $"1 {rate.From} = {rate.Rate:0.######} {rate.To} on {rate.Date:yyyy-MM-dd}");

    public IEnumerable<string> Validate()
    {
        if (!Identifier.IsValid(Id))
        {
            yield return $"id: '{Id}' {Identifier.Describe(Id)}";
        }

        foreach (var (rate, i) in (Rates ?? []).Select((r, i) => (r, i)))
        {
            if (!Money.Currency.TryParse(rate.From, out _) || !Money.Currency.TryParse(rate.To, out _))
            {
                yield return $"rates[{i}]: 'from' and 'to' must be ISO 4217 codes";
            }

            if (rate.Rate <= 0)
            {
                yield return $"rates[{i}]: 'rate' must be greater than 0";
            }
        }

        foreach (var duplicate in (Rates ?? []).GroupBy(r => (r.From.ToUpperInvariant(), r.To.ToUpperInvariant(), r.Date)).Where(g => g.Count() > 1))
        {
            yield return $"rates: {duplicate.Key.Item1}→{duplicate.Key.Item2} has two rates on {duplicate.Key.Date:yyyy-MM-dd}";
        }
    }
}
