using CompFunctions.Core.Periods;
using CompFunctions.Pipeline.Storage;
using Microsoft.AspNetCore.Http;

namespace CompFunctions.Pipeline.Http;

public sealed record PeriodDocument(string Period, string Status, DateTimeOffset LockedAt);

/// <summary>
/// <c>POST /api/periods/{period}/lock</c> (admin): from now on the period's statements never change;
/// later changes to its meetings become adjustment lines in the next open period. Locking a locked
/// period is a 409 and changes nothing.
/// </summary>
public sealed class PeriodEndpoints(PeriodStore periods, TimeProvider clock)
{
    public async Task<IResult> LockAsync(string period, CancellationToken cancellationToken)
    {
        if (!CompPeriod.TryParse(period, out var compPeriod))
        {
            return Problems.BadRequest("Malformed period", $"Period '{period}' is not a month in the form YYYY-MM (e.g. 2026-11).");
        }

        var at = clock.GetUtcNow();
        return await periods.TryLockAsync(compPeriod, at, cancellationToken).ConfigureAwait(false)
            ? Results.Json(new PeriodDocument(compPeriod.ToString(), Core.Statements.Statement.Locked, at), StatementDocument.Json)
            : Problems.Conflict("Period already locked", $"{compPeriod} is already locked; its statements do not change.");
    }
}
