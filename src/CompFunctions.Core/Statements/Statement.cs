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
        var ordered = lines.OrderBy(l => l.MeetingId, StringComparer.Ordinal).ThenBy(l => l.LineId, StringComparer.Ordinal).ToArray();
        var stray = ordered.FirstOrDefault(l => l.Amount.Currency != currency);
        if (stray is not null)
        {
            throw new InvalidOperationException($"Line {stray.LineId} is in {stray.Amount.Currency}; the statement is in {currency}.");
        }

        Money.Money Sum(LineKind kind) => ordered.Where(l => l.Kind == kind).Aggregate(Money.Money.Zero(currency), (sum, l) => sum + l.Amount);
        var earnings = Sum(LineKind.Earning);
        var clawbacks = Sum(LineKind.Clawback);
        var adjustments = Sum(LineKind.Adjustment);
        var totals = new StatementTotals(earnings, clawbacks, adjustments, earnings + clawbacks + adjustments);
        return new Statement(sdrId, period, currency, status, generatedAt, totals, ordered);
    }
}
