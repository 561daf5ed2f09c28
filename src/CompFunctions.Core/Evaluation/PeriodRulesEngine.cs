using System.Globalization;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Plans;
using CompFunctions.Core.Statements;

namespace CompFunctions.Core.Evaluation;

/// <summary>
/// Applies a plan's period rules to the lines its components made for one SDR's meetings of one
/// period, in booked order: the quota tier rate, then the caps per component, then the period
/// cap, then a ramping SDR's guarantee. Every changed line says what changed it and why.
/// </summary>
internal static class PeriodRulesEngine
{
    public static (IReadOnlyList<MeetingEvaluation> Meetings, IReadOnlyList<PayoutLine> Extra) Apply(
        CompPlan plan, IReadOnlyList<MeetingEvaluation> meetings, Assignment? assignment, CompPeriod period)
    {
        var rules = plan.PeriodRules;
        if (rules is null)
        {
            return (meetings, []);
        }

        var lines = meetings.Select(m => m.Lines.ToList()).ToArray();
        var ramp = RampMonth(rules.Ramp, assignment, period);
        if (rules.Quota is { } quota)
        {
            ApplyQuota(quota, ramp is null ? 1m : rules.Ramp!.QuotaFactor, meetings, lines);
        }

        foreach (var cap in rules.Caps ?? [])
        {
            Cap(lines, l => l.Component == cap.Component, new Money.Money(cap.Max, plan.PayCurrency), $"the monthly cap of {{0}} on {cap.Component}");
        }

        if (rules.PeriodCap is { } periodCap)
        {
            Cap(lines, _ => true, new Money.Money(periodCap, plan.PayCurrency), "the monthly cap of {0} on all pay");
        }

        var extra = new List<PayoutLine>();
        if (ramp is { } month && rules.Ramp!.Guarantee is { } guarantee && meetings.Count > 0)
        {
            var earned = lines.SelectMany(l => l).Aggregate(Money.Money.Zero(plan.PayCurrency), (sum, l) => sum + l.Amount);
            var floor = new Money.Money(guarantee, plan.PayCurrency);
            if (earned.Amount < floor.Amount)
            {
                var first = meetings[0].Lines[0];
                extra.Add(first with
                {
                    LineId = PayoutLine.IdFor("period", "ramp_guarantee"),
                    MeetingId = "period",
                    Component = "ramp_guarantee",
                    Amount = (floor + -earned).Rounded(),
                    Reason = $"Ramp guarantee, month {month} of {rules.Ramp.Months} since the start on {assignment!.StartDate:yyyy-MM-dd}: {earned.ToDisplayString()} earned, topped up to the guarantee of {floor.ToDisplayString()}",
                    ReasonCodes = ["RAMP_GUARANTEE"],
                    Qualification = new QualificationSummary(false, null, [], null),
                    Source = new SourceRef($"plan {plan.Ref}", 0),
                    Account = null,
                    BookedOn = null,
                });
            }
        }

        return (meetings.Select((m, i) => m with { Lines = lines[i] }).ToArray(), extra);
    }

    /// <summary>The 1-based month of ramp the period is in, or null when the SDR is not ramping.</summary>
    private static int? RampMonth(RampRule? ramp, Assignment? assignment, CompPeriod period)
    {
        if (ramp is null || assignment?.StartDate is not { } start)
        {
            return null;
        }

        var since = (period.Year * 12 + period.Month) - (start.Year * 12 + start.Month);
        return since >= 0 && since < ramp.Months ? since + 1 : null;
    }

    private static bool Counts(QuotaMeasure measure, MeetingEvaluation m) =>
        m.Meeting.Status == MeetingStatus.Held && measure switch
        {
            QuotaMeasure.QualifiedMeetings => m.Verdict?.Qualified == true,
            QuotaMeasure.Sao => m.Meeting.AeDecision == AeDecision.Accepted,
            _ => true,
        };

    private static void ApplyQuota(QuotaRule quota, decimal factor, IReadOnlyList<MeetingEvaluation> meetings, List<PayoutLine>[] lines)
    {
        var target = quota.Target * factor;
        var measure = quota.Measure switch { QuotaMeasure.QualifiedMeetings => "qualified meetings", QuotaMeasure.Sao => "AE-accepted meetings", _ => "held meetings" };
        var reduced = factor == 1m ? "" : string.Create(CultureInfo.InvariantCulture, $", ramp quota {factor:0.##}× of {quota.Target:0.##}");
        var counted = Enumerable.Range(0, meetings.Count).Where(i => Counts(quota.Measure, meetings[i])).ToArray();
        var total = counted.Length;
        for (var k = 0; k < counted.Length; k++)
        {
            var position = quota.Mode == TierMode.Retroactive ? total : k + 1;
            var attainment = position / target * 100m;
            var tier = quota.TierAt(attainment);
            var index = counted[k];
            var note = quota.Mode == TierMode.Retroactive
                ? string.Create(CultureInfo.InvariantCulture, $"quota {target:0.##} {measure}{reduced}, {total} reached ({attainment:0.#}%)")
                : string.Create(CultureInfo.InvariantCulture, $"meeting {position} of a quota of {target:0.##} {measure}{reduced} ({attainment:0.#}%)");
            lines[index] = lines[index].Select(line => !quota.AppliesTo.Contains(line.Component) || line.Amount.IsZero
                ? line
                : line with
                {
                    Amount = line.Amount.Times(tier.Rate).Rounded(),
                    Reason = string.Create(CultureInfo.InvariantCulture, $"{line.Reason}; tier {quota.Tiers.ToList().IndexOf(tier) + 1} ({tier}) rate {tier.Rate:0.##}× ({note})"),
                    ReasonCodes = [.. line.ReasonCodes, "QUOTA_TIER"],
                }).ToList();
        }
    }

    /// <summary>Reduces the matching lines, in order, so that together they stay within <paramref name="max"/>.</summary>
    private static void Cap(List<PayoutLine>[] lines, Func<PayoutLine, bool> applies, Money.Money max, string what)
    {
        var paid = Money.Money.Zero(max.Currency);
        foreach (var meetingLines in lines)
        {
            for (var i = 0; i < meetingLines.Count; i++)
            {
                var line = meetingLines[i];
                if (!applies(line) || line.Amount.Amount <= 0)
                {
                    continue;
                }

                var room = max.Amount - paid.Amount;
                if (line.Amount.Amount > room)
                {
                    var allowed = new Money.Money(Math.Max(room, 0m), max.Currency).Rounded();
                    meetingLines[i] = line with
                    {
                        Amount = allowed,
                        Reason = $"{line.Reason}; capped to {allowed.ToDisplayString()} by {string.Format(CultureInfo.InvariantCulture, what, max.ToDisplayString())} ({line.Amount.ToDisplayString()} before the cap)",
                        ReasonCodes = [.. line.ReasonCodes, "CAPPED"],
                    };
                }

                paid += meetingLines[i].Amount;
            }
        }
    }
}
