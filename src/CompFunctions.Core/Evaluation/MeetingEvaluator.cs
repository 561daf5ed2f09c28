using CompFunctions.Core.Meetings;
using CompFunctions.Core.Plans;
using CompFunctions.Core.Qualification;
using CompFunctions.Core.Statements;

namespace CompFunctions.Core.Evaluation;

/// <summary>A meeting's verdict and the payout lines the plan made of it.</summary>
public sealed record MeetingEvaluation(Meeting Meeting, Verdict Verdict, IReadOnlyList<PayoutLine> Lines);

/// <summary>
/// Applies one ruleset and one plan to meetings: first the qualification verdict, then one line
/// per plan component. Pure: the same meeting and documents always give the same lines.
/// </summary>
public sealed class MeetingEvaluator
{
    private readonly Ruleset _ruleset;
    private readonly CompPlan _plan;
    private readonly EvaluationContext _context;
    private readonly Money.Currency _currency;

    public MeetingEvaluator(Ruleset ruleset, CompPlan plan, EvaluationContext context)
    {
        if (!string.Equals(ruleset.Id, plan.Ruleset, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Plan {plan.Ref} qualifies meetings with ruleset '{plan.Ruleset}', not '{ruleset.Id}'.", nameof(ruleset));
        }

        _ruleset = ruleset;
        _plan = plan;
        _context = context;
        _currency = plan.PayCurrency;
    }

    public MeetingEvaluation Evaluate(Meeting meeting)
    {
        var verdict = _ruleset.Evaluate(meeting);
        var qualification = QualificationSummary.From(verdict);
        var lines = _plan.Components
            .Select(component => component.Evaluate(meeting, verdict, _currency, _context))
            .Select(outcome => new PayoutLine(
                PayoutLine.IdFor(meeting.MeetingId, outcome.Component),
                meeting.MeetingId,
                outcome.Amount.Amount < 0 ? LineKind.Clawback : LineKind.Earning,
                outcome.Component,
                outcome.Amount,
                outcome.Reason,
                outcome.ReasonCodes,
                qualification,
                _plan.Ref,
                _ruleset.Ref,
                meeting.SourceRef,
                Adjusts: null))
            .ToArray();
        return new MeetingEvaluation(meeting, verdict, lines);
    }
}
