using CompFunctions.Core.Meetings;
using CompFunctions.Core.Money;
using CompFunctions.Core.Plans;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Statements;
using CompFunctions.Pipeline.Storage;

namespace CompFunctions.Pipeline.Evaluation;

/// <summary>
/// Changes to a locked period, booked as adjustment lines in the first open period after it.
/// An adjustment's line id is <c>{lineId}@{lockedPeriod}</c> and its amount is exactly what is
/// still owed: what the line should be now, minus what the locked period paid, minus adjustments
/// already booked into periods that have since been locked. So evaluating again books nothing
/// new, and a change that is reversed later books the reversing amount.
/// </summary>
public static class Adjustments
{
    /// <summary>Prints an instant as the company's local date.</summary>
    public delegate string CalendarText(DateTimeOffset instant);

    public static string IdFor(string lineId, CompPeriod lockedPeriod) => $"{lineId}@{lockedPeriod}";

    /// <returns>The first open period, and how many adjustment lines for the locked period now stand in it.</returns>
    /// <param name="clawbackFor">The plan's clawback rule and the meeting behind a line, to decide whether a reduction is clawed back.</param>
    public static async Task<(CompPeriod Open, int Booked)> BookAsync(
        StatementStore statements, string sdrId, CompPeriod locked, IReadOnlyList<PayoutLine> shouldBe, IReadOnlySet<CompPeriod> lockedPeriods,
        Func<PayoutLine, (ClawbackRule? Rule, Meeting? Meeting)> clawbackFor, CalendarText dates, CancellationToken cancellationToken)
    {
        var paid = (await statements.ReadAsync(Tables.SdrPeriodKey(locked, sdrId), cancellationToken).ConfigureAwait(false))?.Body.Lines
            .Select(l => l.ToLine())
            .ToDictionary(l => l.LineId, StringComparer.Ordinal) ?? [];
        var open = PeriodStore.FirstOpenAfter(locked, lockedPeriods);
        var suffix = "@" + locked;
        var alreadyBooked = new Dictionary<string, decimal>(StringComparer.Ordinal);
        for (var between = locked.Next(); between.CompareTo(open) < 0; between = between.Next())
        {
            var booked = (await statements.ReadHeadAsync(Tables.SdrPeriodKey(between, sdrId), cancellationToken).ConfigureAwait(false))?.Adjustments ?? [];
            foreach (var adjustment in booked.Select(l => l.ToLine()).Where(l => l.LineId.EndsWith(suffix, StringComparison.Ordinal)))
            {
                var lineId = adjustment.LineId[..^suffix.Length];
                alreadyBooked[lineId] = alreadyBooked.GetValueOrDefault(lineId) + adjustment.Amount.Amount;
            }
        }

        var target = shouldBe.ToDictionary(l => l.LineId, StringComparer.Ordinal);
        var adjustments = new List<StoredLine>();
        foreach (var lineId in paid.Keys.Union(target.Keys).Order(StringComparer.Ordinal))
        {
            paid.TryGetValue(lineId, out var was);
            target.TryGetValue(lineId, out var now);
            var template = now ?? was!;
            var currency = template.Amount.Currency;
            var before = was?.Amount.Amount ?? 0m;
            var booked = alreadyBooked.GetValueOrDefault(lineId);
            var difference = (now?.Amount.Amount ?? 0m) - before - booked;
            if (difference == 0m)
            {
                continue;
            }

            var amount = new Money(difference, currency).Rounded();
            var adjustedSoFar = booked == 0m ? "" : $", already adjusted by {new Money(booked, currency).ToDisplayString()}";
            var why = now is null ? $"the meeting no longer counts in {locked}" : now.Reason;
            var reason = $"{template.MeetingId} changed after {locked} was locked: {locked} paid {new Money(before, currency).ToDisplayString()}{adjustedSoFar}; it should be {new Money(now?.Amount.Amount ?? 0m, currency).ToDisplayString()} ({why})";
            var kind = LineKind.Adjustment;
            var codes = new List<string>(now?.ReasonCodes ?? []) { "ADJUSTS_LOCKED_PERIOD" };
            var (rule, meeting) = clawbackFor(template);
            if (difference < 0 && rule is not null && meeting is not null)
            {
                var seen = meeting.LastModifiedAt ?? meeting.ScheduledFor;
                var days = (int)Math.Floor((seen - meeting.ScheduledFor).TotalDays);
                if (days <= rule.WindowDays)
                {
                    kind = LineKind.Clawback;
                    codes.Add("CLAWBACK");
                    reason += $"; reported on {dates(seen)}, within the {rule.WindowDays}-day clawback window";
                }
                else
                {
                    amount = Money.Zero(currency).Rounded();
                    codes.Add("OUTSIDE_CLAWBACK_WINDOW");
                    reason += $"; reported on {dates(seen)}, {days} days after the meeting, outside the {rule.WindowDays}-day clawback window: not clawed back";
                }
            }

            var adjustment = template with
            {
                LineId = IdFor(lineId, locked),
                Kind = kind,
                Amount = amount,
                Reason = $"{reason}: {(amount.Amount > 0 ? "+" : "")}{amount.ToDisplayString()}",
                ReasonCodes = codes,
                Adjusts = $"{locked}/{lineId}",
            };
            adjustments.Add(StoredLine.From(adjustment));
        }

        // The open month's statement keeps its own lines and the adjustments of other locked months; ours are replaced.
        var partition = Tables.SdrPeriodKey(open, sdrId);
        var stored = await statements.ReadAsync(partition, cancellationToken).ConfigureAwait(false);
        var body = stored?.Body ?? new StatementBody([], [], []);
        var standing = body.Adjustments.Where(l => !l.Line.LineId.EndsWith(suffix, StringComparison.Ordinal)).Concat(adjustments).OrderBy(l => l.Line.LineId, StringComparer.Ordinal).ToArray();
        if (stored is not null || standing.Length > 0)
        {
            await statements.WriteIfChangedAsync(partition, body with { Adjustments = standing }, stored?.Head, cancellationToken).ConfigureAwait(false);
        }

        return (open, adjustments.Count);
    }
}
