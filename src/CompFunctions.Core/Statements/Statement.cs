using CompFunctions.Core.Periods;

namespace CompFunctions.Core.Statements;

public sealed record StatementTotals(Money.Money Earnings, Money.Money Clawbacks, Money.Money Adjustments, Money.Money Net);

/// <summary>
/// One SDR's payout statement for one period. Totals are computed from the lines, never stored
/// apart from them, so the lines always add up to the totals to the cent.
/// </summary>
public sealed record Statement(
    string SdrId,
    CompPeriod Period,
    Money.Currency Currency,
    string Status,
    DateTimeOffset GeneratedAt,
    StatementTotals Totals,
    IReadOnlyList<PayoutLine> Lines)
{
    public const string Open = "open";
    public const string Locked = "locked";

    public static Statement Create(string sdrId, CompPeriod period, Money.Currency currency, string status, DateTimeOffset generatedAt, IEnumerable<PayoutLine> lines)
    {
        var ordered = InOrder(lines).ToArray();
        return new Statement(sdrId, period, currency, status, generatedAt, TotalsOf(currency, ordered, rounded: false), ordered);
    }

    /// <summary>
    /// The totals <see cref="Create"/> gives <paramref name="lines"/> (in any order), without
    /// ordering or keeping them; with <paramref name="rounded"/>, each line counts at its amount
    /// rounded (as a statement row stores it). Throws as <see cref="Create"/> does, naming the same
    /// line, when a line is not in <paramref name="currency"/>.
    /// </summary>
    public static StatementTotals TotalsOf(Money.Currency currency, IReadOnlyList<PayoutLine> lines, bool rounded)
    {
        Money.Money earnings = Money.Money.Zero(currency), clawbacks = earnings, adjustments = earnings;
        foreach (var line in lines)
        {
            if (line.Amount.Currency != currency)
            {
                var stray = InOrder(lines).First(l => l.Amount.Currency != currency);
                throw new InvalidOperationException($"Line {stray.LineId} is in {stray.Amount.Currency}; the statement is in {currency}.");
            }

            var amount = rounded ? line.Amount.Rounded() : line.Amount;
            switch (line.Kind)
            {
                case LineKind.Earning:
                    earnings += amount;
                    break;
                case LineKind.Clawback:
                    clawbacks += amount;
                    break;
                case LineKind.Adjustment:
                    adjustments += amount;
                    break;
            }
        }

        return new StatementTotals(earnings, clawbacks, adjustments, earnings + clawbacks + adjustments);
    }

    /// <summary>A statement's order: by meeting, then line id.</summary>
    private static IOrderedEnumerable<PayoutLine> InOrder(IEnumerable<PayoutLine> lines) =>
        lines.OrderBy(l => l.MeetingId, StringComparer.Ordinal).ThenBy(l => l.LineId, StringComparer.Ordinal);
}
