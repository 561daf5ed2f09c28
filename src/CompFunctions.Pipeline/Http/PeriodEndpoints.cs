using CompFunctions.Core.Periods;
using CompFunctions.Pipeline.Evaluation;
using CompFunctions.Pipeline.Storage;
using Microsoft.AspNetCore.Http;

namespace CompFunctions.Pipeline.Http;

public sealed record PeriodDocument(string Period, string Status, DateTimeOffset LockedAt);

/// <summary>
/// <c>POST /api/periods/{period}/lock</c> (admin): from now on the period's statements never change;
/// later changes to its meetings become adjustment lines in the next open period. Locking a locked
/// period is a 409 and changes nothing (its statement rows are marked again: a lock interrupted
/// before it marked them all is completed by asking again).
/// </summary>
public sealed class PeriodEndpoints(PeriodStore periods, StatementStore statements, EvaluationRequeue requeue, TimeProvider clock)
{
    public async Task<IResult> LockAsync(string period, CancellationToken cancellationToken)
    {
        if (!CompPeriod.TryParse(period, out var compPeriod))
        {
            return Problems.MalformedPeriod(period);
        }

        var at = clock.GetUtcNow();
        var locked = await periods.TryLockAsync(compPeriod, at, cancellationToken).ConfigureAwait(false);

        // After the lock row: an evaluation that has not seen the lock row yet finds its statement marked, or its write refused.
        await statements.MarkLockedAsync(compPeriod, cancellationToken).ConfigureAwait(false);
        return locked
            ? Results.Json(new PeriodDocument(compPeriod.ToString(), Core.Statements.Statement.Locked, at), StatementDocument.Json)
            : Problems.Conflict("Period already locked", $"{compPeriod} is already locked; its statements do not change.");
    }

    /// <summary>
    /// <c>POST /api/periods/{period}/replay</c> (admin): evaluates every SDR of the period again from the
    /// meetings and policies in storage. Open periods are rewritten to exactly what they should be (the
    /// same lines when nothing changed); locked ones only gain adjustments in the next open period.
    /// </summary>
    public async Task<IResult> ReplayAsync(string period, CancellationToken cancellationToken)
    {
        if (!CompPeriod.TryParse(period, out var compPeriod))
        {
            return Problems.MalformedPeriod(period);
        }

        var requestedBy = $"replay {compPeriod} at {clock.GetUtcNow():O}";
        var queued = await requeue.RequeueAsync(compPeriod + "|", compPeriod + "}", requestedBy, cancellationToken).ConfigureAwait(false);
        return Results.Json(new ReplayDocument(compPeriod.ToString(), queued, requestedBy), StatementDocument.Json, statusCode: StatusCodes.Status202Accepted);
    }
}

/// <param name="RequestedBy">What the evaluations of this replay are recorded under in the audit trail (table <c>evaluations</c>).</param>
public sealed record ReplayDocument(string Period, IReadOnlyList<string> SdrPeriodsQueued, string RequestedBy);
