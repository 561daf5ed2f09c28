using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace CompFunctions.Core.Money;

/// <summary>
/// An ISO 4217 currency code with the number of digits of its minor unit.
/// Always upper case; refuses anything that is not three ASCII letters.
/// </summary>
public readonly record struct Currency
{
    // Currencies whose minor unit is not two digits. Every other well-formed code uses two.
    private static readonly FrozenDictionary<string, int> MinorUnitExceptions = new Dictionary<string, int>
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0,
        ["KRW"] = 0, ["PYG"] = 0, ["RWF"] = 0, ["UGX"] = 0, ["UYI"] = 0, ["VND"] = 0, ["VUV"] = 0,
        ["XAF"] = 0, ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // One per code ever parsed (at most 26³): a currency is a reference to it, so an amount is a decimal and one reference.
    private static readonly ConcurrentDictionary<string, Known> KnownCodes = new(StringComparer.Ordinal);

    private readonly Known? _known;

    private Currency(Known known) => _known = known;

    /// <summary>The three-letter code, upper case (e.g. <c>USD</c>).</summary>
    public string Code => _known?.Code!;

    /// <summary>Digits after the decimal point in the currency's minor unit (2 for USD, 0 for JPY).</summary>
    public int MinorUnits => _known?.MinorUnits ?? 0;

    public static Currency USD { get; } = Parse("USD");

    public static bool TryParse(string? text, out Currency currency)
    {
        currency = default;
        var code = text?.Trim();
        if (code is null || code.Length != 3 || !code.All(char.IsAsciiLetter))
        {
            return false;
        }

        currency = new Currency(KnownCodes.GetOrAdd(code.ToUpperInvariant(), static c => new Known(c, MinorUnitExceptions.GetValueOrDefault(c, 2))));
        return true;
    }

    public static Currency Parse(string text) =>
        TryParse(text, out var currency)
            ? currency
            : throw new FormatException($"'{text}' is not an ISO 4217 currency code (three letters, e.g. USD).");

    public override string ToString() => Code ?? "";

    /// <summary>A code and its minor unit; the same object for every currency with that code, so currencies compare by reference.</summary>
    private sealed class Known(string code, int minorUnits)
    {
        public string Code { get; } = code;

        public int MinorUnits { get; } = minorUnits;
    }
}
