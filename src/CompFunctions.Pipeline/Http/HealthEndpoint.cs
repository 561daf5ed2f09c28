using Azure;
using CompFunctions.Pipeline.Monitoring;
using CompFunctions.Pipeline.Storage;
using Microsoft.AspNetCore.Http;

namespace CompFunctions.Pipeline.Http;

public sealed record HealthDocument(string Status, string Storage, IReadOnlyList<string> Warnings, DateTimeOffset CheckedAt);

/// <summary>
/// <c>GET /api/health</c>: 200 when storage answers (with any warning, such as a missing nightly
/// export, in the body and <c>status: "degraded"</c>), 503 as problem details when it does not.
/// </summary>
public sealed class HealthEndpoint(RunStore runs, NightlyExportCheck nightly, TimeProvider clock)
{
    public async Task<IResult> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            await runs.PingAsync(cancellationToken).ConfigureAwait(false);
            var warning = await nightly.LatestWarningAsync(cancellationToken).ConfigureAwait(false);
            var warnings = warning is null ? Array.Empty<string>() : [warning.Message];
            return Results.Json(new HealthDocument(warnings.Length == 0 ? "healthy" : "degraded", "reachable", warnings, clock.GetUtcNow()), StatementDocument.Json);
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or AggregateException or TimeoutException)
        {
            return Problems.Unavailable("Storage unreachable", $"Table Storage did not answer: {ex.Message}");
        }
    }
}
