using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Plans;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;
using CompFunctions.Core.Statements;
using CompFunctions.Core.Text;

namespace CompFunctions.Core.Evaluation;

/// <summary>A meeting's verdict (null when no policy was in force to judge it) and the payout lines made of it.</summary>
public sealed record MeetingEvaluation(Meeting Meeting, Verdict? Verdict, IReadOnlyList<PayoutLine> Lines);

/// <summary>One SDR's period: every meeting's evaluation, plus lines that belong to the period itself (a ramp guarantee).</summary>
public sealed record PeriodEvaluation(IReadOnlyList<MeetingEvaluation> Meetings, IReadOnlyList<PayoutLine> PeriodLines)
{
    public IEnumerable<PayoutLine> Lines => Meetings.SelectMany(m => m.Lines).Concat(PeriodLines);
}

/// <summary>
/// Evaluates all of one SDR's meetings of one period: for each meeting, the plan (by the roster)
/// and ruleset versions in force on its booked day, the qualification verdict (which needs the
/// SDR's other meetings for duplicates and the exception budget), one line per plan component;
/// then the plan's period rules (quota tiers, caps, ramp). Pure: the same meetings and documents
/// always give the same verdicts and lines.
/// </summary>
public sealed class PeriodEvaluator(PolicySet policies, EvaluationContext context)
{
    /// <param name="meetings">The SDR's meetings of the period.</param>
    /// <param name="earlier">The SDR's meetings of the period before, which a meeting of this one may duplicate.</param>
    public PeriodEvaluation Evaluate(string sdrId, CompPeriod period, IReadOnlyList<Meeting> meetings, IReadOnlyList<Meeting> earlier)
    {
        var others = new MeetingSet(earlier, meetings);
        var exceptionsUsed = 0;
        var ordered = InBookedOrder(meetings);
        var results = new MeetingEvaluation[ordered.Length];
        var plans = new CompPlan?[ordered.Length];
        List<(CompPlan Plan, Assignment? Assignment)>? ruled = null;
        Priced? priced = null;
        (DateOnly Day, CompPlan? Plan, Ruleset? Ruleset, Assignment? Assignment, string? Problem) inForce = default;
        for (var m = 0; m < ordered.Length; m++)
        {
            var meeting = ordered[m];
            var bookedOn = context.Calendar.LocalDate(meeting.BookedAt);

            // Meetings come in booked order, so a day's meetings are together: the versions in force are looked up once a day.
            if (m == 0 || inForce.Day != bookedOn)
            {
                var (inForcePlan, inForceRuleset, inForceAssignment, inForceProblem) = policies.InForceOn(sdrId, bookedOn);
                inForce = (bookedOn, inForcePlan, inForceRuleset, inForceAssignment, inForceProblem);
            }

            var (_, plan, ruleset, assignment, problem) = inForce;
            if (problem is not null)
            {
                results[m] = new MeetingEvaluation(meeting, null, [Unpriced(meeting, plan, problem)]);
                continue;
            }

            // Period rules apply per plan version: a mid-month plan change splits the month by meeting date.
            plans[m] = plan;
            if (plan!.PeriodRules is not null && !Listed(ruled ??= [], plan))
            {
                ruled.Add((plan, assignment));
            }

            // Consecutive meetings are nearly always under the same versions: what depends only on them is made once.
            priced = priced is not null && ReferenceEquals(priced.Plan, plan) && ReferenceEquals(priced.Ruleset, ruleset) ? priced : new Priced(plan, ruleset!, context, policies.Fx);
            var verdict = Judge(meeting, priced, others, ref exceptionsUsed);
            var qualification = QualificationSummary.From(verdict);
            var sharedWith = EarlierMeetingOfSameOpportunity(meeting, others);
            var lines = new PayoutLine[plan.Components.Count];
            for (var i = 0; i < lines.Length; i++)
            {
                var component = plan.Components[i];
                var outcome = sharedWith is not null && component is IPaysOnOpportunity
                    ? new ComponentOutcome(component.Id, priced.Pricing.Zero, Codes.Just("OPPORTUNITY_PAID_ON_EARLIER_MEETING"), LazyText.Of((meeting.OpportunityId, sharedWith, context), static p =>
                        $"Opportunity {p.OpportunityId} is paid on {p.sharedWith.MeetingId}, booked {p.context.LocalDateText(p.sharedWith.BookedAt)}: an opportunity pays once"))
                    : component.Evaluate(meeting, verdict, priced.Pricing);
                lines[i] = new PayoutLine(
                    LineId: null!,
                    meeting.MeetingId,
                    outcome.Amount.Amount < 0 ? LineKind.Clawback : LineKind.Earning,
                    outcome.Component,
                    outcome.Amount,
                    "",
                    outcome.ReasonCodes,
                    qualification,
                    priced.PlanRef,
                    priced.RulesetRef,
                    meeting.SourceRef,
                    Adjusts: null) { ReasonText = outcome.ReasonText, Account = meeting.AccountName, BookedOn = bookedOn };
            }

            results[m] = new MeetingEvaluation(meeting, verdict, lines);
        }

        // A plan version without period rules leaves its lines as they are.
        var extra = new List<PayoutLine>();
        foreach (var (plan, assignment) in ruled ?? [])
        {
            var positions = Enumerable.Range(0, ordered.Length).Where(i => plans[i]?.Ref == plan.Ref).ToArray();
            var (applied, periodLines) = PeriodRulesEngine.Apply(plan, positions.Select(i => results[i]).ToArray(), assignment, period);
            for (var i = 0; i < positions.Length; i++)
            {
                results[positions[i]] = applied[i];
            }

            extra.AddRange(periodLines);
        }

        return new PeriodEvaluation(results, extra);
    }

    /// <summary>True when <paramref name="plan"/>'s version is in <paramref name="ruled"/> (a loop: a lambda here made a closure per meeting).</summary>
    private static bool Listed(List<(CompPlan Plan, Assignment? Assignment)> ruled, CompPlan plan)
    {
        foreach (var (listed, _) in ruled)
        {
            if (listed.Ref == plan.Ref)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The meetings by booked time, then id. Equal keys (the same meeting twice) keep the order
    /// they came in, as a stable sort keeps them; without equal keys the order is the only one.
    /// </summary>
    private static Meeting[] InBookedOrder(IReadOnlyList<Meeting> meetings)
    {
        var ordered = meetings.ToArray();
        Array.Sort(ordered, BookedOrder);
        for (var i = 1; i < ordered.Length; i++)
        {
            if (BookedOrder(ordered[i - 1], ordered[i]) == 0)
            {
                return meetings.OrderBy(m => m.BookedAt).ThenBy(m => m.MeetingId, StringComparer.Ordinal).ToArray();
            }
        }

        return ordered;
    }

    private static readonly Comparison<Meeting> BookedOrder = static (a, b) =>
        a.BookedAt.CompareTo(b.BookedAt) is var byTime and not 0 ? byTime : string.CompareOrdinal(a.MeetingId, b.MeetingId);

    /// <summary>The SDR's first meeting, booked before this one, that carries the same opportunity (an opportunity pays once).</summary>
    private static Meeting? EarlierMeetingOfSameOpportunity(Meeting meeting, IReadOnlyList<Meeting> others)
    {
        if (meeting.OpportunityId is not { } opportunity)
        {
            return null;
        }

        Meeting? first = null;
        foreach (var o in MeetingSet.SameOpportunity(others, opportunity))
        {
            if (o.OpportunityId == opportunity
                && (o.BookedAt < meeting.BookedAt || (o.BookedAt == meeting.BookedAt && string.CompareOrdinal(o.MeetingId, meeting.MeetingId) < 0))
                && (first is null || o.BookedAt < first.BookedAt))
            {
                first = o;
            }
        }

        return first;
    }

    private Verdict Judge(Meeting meeting, Priced priced, IReadOnlyList<Meeting> others, ref int exceptionsUsed)
    {
        var ruleset = priced.Ruleset;
        var (disqualified, judged) = ruleset.Judge(meeting, others, context);
        var paths = judged as PathOutcome[] ?? judged.ToArray();
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
        return new Verdict(qualified, by, disqualified, qualified ? [] : FailedCriteria(paths, priced.FailedCriteriaLists), paths, priced.RulesetRef);
    }

    /// <summary>What the lines of meetings under one plan and ruleset version share.</summary>
    private sealed class Priced(CompPlan plan, Ruleset ruleset, EvaluationContext context, FxTable fx)
    {
        public CompPlan Plan { get; } = plan;

        public Ruleset Ruleset { get; } = ruleset;

        public DocumentRef PlanRef { get; } = plan.Ref;

        public DocumentRef RulesetRef { get; } = ruleset.Ref;

        public Pricing Pricing { get; } = new(plan.PayCurrency, context, fx);

        /// <summary>The lists of failed criteria made so far: meetings that failed the same criteria share one.</summary>
        public List<string[]> FailedCriteriaLists { get; } = [];
    }

    /// <summary>
    /// The names of the required criteria that failed, each once, in the order the paths list them.
    /// Meetings that failed the same criteria get the same list (a ruleset has few such lists;
    /// <paramref name="made"/> keeps up to 64 of them).
    /// </summary>
    private static string[] FailedCriteria(PathOutcome[] paths, List<string[]> made)
    {
        var count = CollectFailed(paths, null);
        if (count == 0)
        {
            return [];
        }

        var scratch = t_failedScratch is { } kept && kept.Length >= count ? kept : t_failedScratch = new string[Math.Max(count, 16)];
        CollectFailed(paths, scratch);
        var names = scratch.AsSpan(0, count);
        foreach (var list in made)
        {
            if (names.SequenceEqual(list))
            {
                return list;
            }
        }

        var failed = names.ToArray();
        if (made.Count < 64)
        {
            made.Add(failed);
        }

        return failed;
    }

    [ThreadStatic]
    private static string[]? t_failedScratch;

    /// <summary>Counts the first failure of each required criterion (by name), in order, and writes the names into <paramref name="into"/> when given.</summary>
    private static int CollectFailed(PathOutcome[] paths, string[]? into)
    {
        var count = 0;
        for (var p = 0; p < paths.Length; p++)
        {
            for (var c = 0; c < paths[p].Criteria.Count; c++)
            {
                var name = paths[p].Criteria[c].Criterion;
                if (FailsRequired(paths[p].Criteria[c]) && !FailedEarlier(paths, p, c, name))
                {
                    if (into is not null)
                    {
                        into[count] = name;
                    }

                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>True when a required criterion named <paramref name="name"/> failed before position (<paramref name="path"/>, <paramref name="index"/>).</summary>
    private static bool FailedEarlier(PathOutcome[] paths, int path, int index, string name)
    {
        for (var p = 0; p <= path; p++)
        {
            for (var c = 0; c < (p == path ? index : paths[p].Criteria.Count); c++)
            {
                if (FailsRequired(paths[p].Criteria[c]) && paths[p].Criteria[c].Criterion == name)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool FailsRequired(CriterionOutcome criterion) => criterion.Required && !criterion.Passed;

    private PayoutLine Unpriced(Meeting meeting, CompPlan? plan, string problem)
    {
        var currency = (plan ?? policies.Plans.Values.SelectMany(v => v.All).FirstOrDefault())?.PayCurrency ?? Money.Currency.USD;
        return new PayoutLine(
            PayoutLine.IdFor(meeting.MeetingId, "unpriced"),
            meeting.MeetingId,
            LineKind.Earning,
            "unpriced",
            Money.Money.Zero(currency).Rounded(),
            $"Not priced yet: {problem}. The meeting is kept and will be priced once a policy covers it",
            ["UNPRICED"],
            new QualificationSummary(false, null, [], null),
            plan?.Ref ?? new DocumentRef(policies.DefaultPlanId, 0),
            new DocumentRef(plan?.Ruleset ?? "none", 0),
            meeting.SourceRef,
            Adjusts: null) { Account = meeting.AccountName, BookedOn = context.Calendar.LocalDate(meeting.BookedAt) };
    }
}
