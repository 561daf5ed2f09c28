using CompFunctions.Core.Meetings;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;
using CompFunctions.Core.Statements;

namespace CompFunctions.Core.Evaluation;

/// <summary>A meeting's verdict (null when no policy was in force to judge it) and the payout lines made of it.</summary>
public sealed record MeetingEvaluation(Meeting Meeting, Verdict? Verdict, IReadOnlyList<PayoutLine> Lines);

/// <summary>
/// Evaluates all of one SDR's meetings of one period: for each meeting, the plan and ruleset
/// versions in force on its booked day, the qualification verdict (which needs the SDR's other
/// meetings for duplicates and the exception budget), then one line per plan component. Pure: the
/// same meetings and documents always give the same verdicts and lines.
/// </summary>
public sealed class PeriodEvaluator(PolicySet policies, EvaluationContext context)
{
    /// <param name="meetings">The SDR's meetings of the period.</param>
    /// <param name="earlier">The SDR's meetings of the period before, which a meeting of this one may duplicate.</param>
    public IReadOnlyList<MeetingEvaluation> Evaluate(IReadOnlyList<Meeting> meetings, IReadOnlyList<Meeting> earlier)
    {
        var others = earlier.Concat(meetings).ToArray();
        var exceptionsUsed = 0;
        var evaluations = new List<MeetingEvaluation>(meetings.Count);
        foreach (var meeting in meetings.OrderBy(m => m.BookedAt).ThenBy(m => m.MeetingId, StringComparer.Ordinal))
        {
            var (plan, ruleset, problem) = policies.InForceOn(context.Calendar.LocalDate(meeting.BookedAt));
            if (problem is not null)
            {
                evaluations.Add(new MeetingEvaluation(meeting, null, [Unpriced(meeting, plan, problem)]));
                continue;
            }

            var verdict = Judge(meeting, ruleset!, others, ref exceptionsUsed);
            var qualification = QualificationSummary.From(verdict);
            var lines = plan!.Components
                .Select(component => component.Evaluate(meeting, verdict, plan.PayCurrency, context))
                .Select(outcome => new PayoutLine(
                    PayoutLine.IdFor(meeting.MeetingId, outcome.Component),
                    meeting.MeetingId,
                    outcome.Amount.Amount < 0 ? LineKind.Clawback : LineKind.Earning,
                    outcome.Component,
                    outcome.Amount,
                    outcome.Reason,
                    outcome.ReasonCodes,
                    qualification,
                    plan.Ref,
                    ruleset!.Ref,
                    meeting.SourceRef,
                    Adjusts: null) { Account = meeting.AccountName, BookedOn = context.Calendar.LocalDate(meeting.BookedAt) })
                .ToArray();
            evaluations.Add(new MeetingEvaluation(meeting, verdict, lines));
        }

        return evaluations;
    }

    private Verdict Judge(Meeting meeting, Ruleset ruleset, IReadOnlyList<Meeting> others, ref int exceptionsUsed)
    {
        var (disqualified, judged) = ruleset.Judge(meeting, others, context);
        var paths = judged.ToArray();
        string? by = null;
        for (var i = 0; i < paths.Length && by is null && disqualified is null; i++)
        {
            if (!paths[i].Passed)
            {
                continue;
            }

            if (ruleset.Paths[i] is ExceptionPath { BudgetPerSdrPerPeriod: { } budget } exception)
            {
                if (exceptionsUsed >= budget)
                {
                    paths[i] = exception.OverBudget(exceptionsUsed);
                    continue;
                }

                exceptionsUsed++;
            }

            by = paths[i].Path;
        }

        var qualified = by is not null;
        var failed = qualified
            ? []
            : paths.SelectMany(p => p.Criteria).Where(c => c.Required && !c.Passed).Select(c => c.Criterion).Distinct().ToArray();
        return new Verdict(qualified, by, disqualified, failed, paths, ruleset.Ref);
    }

    private PayoutLine Unpriced(Meeting meeting, Plans.CompPlan? plan, string problem)
    {
        var currency = (plan ?? policies.Plans.All.FirstOrDefault())?.PayCurrency ?? Money.Currency.USD;
        return new PayoutLine(
            PayoutLine.IdFor(meeting.MeetingId, "unpriced"),
            meeting.MeetingId,
            LineKind.Earning,
            "unpriced",
            Money.Money.Zero(currency).Rounded(),
            $"Not priced yet: {problem}. RevOps has been told; the meeting is kept and will be priced once a policy covers it",
            ["UNPRICED"],
            new QualificationSummary(false, null, [], null),
            plan?.Ref ?? new DocumentRef(policies.PlanId, 0),
            new DocumentRef(plan?.Ruleset ?? "none", 0),
            meeting.SourceRef,
            Adjusts: null) { Account = meeting.AccountName, BookedOn = context.Calendar.LocalDate(meeting.BookedAt) };
    }
}
