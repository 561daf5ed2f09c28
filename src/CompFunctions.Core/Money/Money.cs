using System.Globalization;
using System.Runtime.CompilerServices;

namespace CompFunctions.Core.Money;

/// <summary>
/// An exact amount in one currency. Arithmetic refuses to mix currencies.
/// The one rounding rule of the product: <see cref="Rounded"/> rounds half away from zero to the
/// currency's minor unit. Every payout line is rounded once, when it is made; totals are sums of
/// rounded lines, so a statement's lines always add up to its totals.
/// </summary>
public readonly record struct Money(decimal Amount, Currency Currency)
{
    private static readonly string[] FixedFormats = [.. Enumerable.Range(0, 4).Select(n => "F" + n.ToString(CultureInfo.InvariantCulture))];
    private static readonly string[] GroupedFormats = [.. Enumerable.Range(0, 4).Select(n => "N" + n.ToString(CultureInfo.InvariantCulture))];

    public static Money Zero(Currency currency) => new(0m, currency);

    public Money Rounded()
    {
        var rounded = Math.Round(Amount, Currency.MinorUnits, MidpointRounding.AwayFromZero);
        // Adding a zero that has the minor unit's scale makes 50 print as 50.00, as money should.
        return this with { Amount = rounded + new decimal(0, 0, 0, false, (byte)Currency.MinorUnits) };
    }

    public bool IsZero => Amount == 0m;

    public static Money operator +(Money left, Money right)
    {
        EnsureSameCurrency(left, right);
        return new Money(left.Amount + right.Amount, left.Currency);
    }

    public static Money operator -(Money value) => value with { Amount = -value.Amount };

    /// <summary>Multiplies by a factor (e.g. a rate); the result is not rounded.</summary>
    public Money Times(decimal factor) => this with { Amount = Amount * factor };

    /// <summary>The amount with exactly the currency's minor-unit digits, invariant culture: <c>480.00</c>.</summary>
    public string ToInvariantString() =>
        Rounded().Amount.ToString(Format('F', Currency.MinorUnits), CultureInfo.InvariantCulture);

    /// <summary>Human form with grouping, for reasons a rep reads: <c>48,000.00 USD</c>.</summary>
    public string ToDisplayString()
    {
        var text = new DefaultInterpolatedStringHandler(1, 2, CultureInfo.InvariantCulture);
        text.AppendFormatted(Rounded().Amount, Format('N', Currency.MinorUnits));
        text.AppendLiteral(" ");
        text.AppendFormatted(Currency.Code);
        return text.ToStringAndClear();
    }

    public override string ToString() => ToInvariantString() + " " + Currency.Code;

    /// <summary>The numeric format with a currency's minor-unit digits (made once for 0 to 3 digits).</summary>
    private static string Format(char kind, int digits) =>
        digits is >= 0 and < 4 ? (kind == 'F' ? FixedFormats : GroupedFormats)[digits] : kind + digits.ToString(CultureInfo.InvariantCulture);

    private static void EnsureSameCurrency(Money left, Money right)
    {
        if (left.Currency != right.Currency)
        {
            throw new InvalidOperationException(
                $"Cannot add {left.Currency} and {right.Currency}: amounts in different currencies need an exchange rate.");
        }
    }
}
