using Azure.Data.Tables;
using CompFunctions.Core.Periods;
using CompFunctions.Pipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CompFunctions.Pipeline.Monitoring;

/// <summary>The outcome of the check for one night.</summary>
public sealed record NightlyCheckResult(DateOnly Night, DateTimeOffset Deadline, bool ExportArrived, string Message);

/// <summary>
/// Raises a warning when no CRM export arrived in the 24 hours before the night's deadline
/// (<c>Compensation:NightlyCheck:ExpectedBy</c>, local time in the company time zone). The
/// timer may fire as often as it likes: each night has one result row, rewritten in place.
/// </summary>
public sealed class NightlyExportCheck(
    TableServiceClient tables,
    RunStore runs,
    CompanyCalendar calendar,
    IOptions<CompensationOptions> options,
    TimeProvider clock,
    ILogger<NightlyExportCheck> logger)
{
    private const string Partition = "nightly";
    private readonly TableClient _checks = tables.GetTableClient(Tables.NightlyChecks);

    /// <summary>The latest deadline that has passed at <paramref name="now"/>.</summary>
    public DateTimeOffset LatestDeadline(DateTimeOffset now)
    {
        var expectedBy = options.Value.NightlyCheck.ExpectedByTime;
        var today = calendar.LocalDate(now);
        var deadline = calendar.AtLocal(today, expectedBy);
        return deadline <= now ? deadline : calendar.AtLocal(today.AddDays(-1), expectedBy);
    }

    public async Task<NightlyCheckResult> RunAsync(CancellationToken cancellationToken)
    {
        var deadline = LatestDeadline(clock.GetUtcNow());
        var night = calendar.LocalDate(deadline);
        var arrived = await runs.StartedSinceAsync(deadline.AddDays(-1), cancellationToken).ConfigureAwait(false);
        var inTime = arrived.Where(r => r.StartedAt <= deadline).ToArray();
        var expectedBy = options.Value.NightlyCheck.ExpectedBy;
        var nightText = night.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        NightlyCheckResult result;
        if (inTime.Length > 0)
        {
            result = new NightlyCheckResult(night, deadline, true, $"{inTime.Length} export run(s) arrived before {expectedBy} ({calendar.TimeZoneId}) on {nightText}.");
            logger.ExportArrived(nightText, inTime.Length);
        }
        else
        {
            result = new NightlyCheckResult(night, deadline, false, $"No CRM export arrived by {expectedBy} ({calendar.TimeZoneId}) on {nightText}.");
            var last = arrived.Count > 0 ? arrived[0].StartedAt.ToString("O") : "none in the 24 hours before";
            logger.ExportMissing(expectedBy, calendar.TimeZoneId, nightText, last);
        }

        await _checks.UpsertEntityAsync(new TableEntity(Partition, nightText)
        {
            ["Deadline"] = deadline,
            ["ExportArrived"] = result.ExportArrived,
            ["Message"] = result.Message,
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// The latest check, as health reports it; a missing export counts only while no export has
    /// arrived since its deadline.
    /// </summary>
    public async Task<NightlyCheckResult?> LatestWarningAsync(CancellationToken cancellationToken)
    {
        var latest = (NightlyCheckResult?)null;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        await foreach (var e in _checks.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var deadline = e.GetDateTimeOffset("Deadline") ?? DateTimeOffset.MinValue;
            if (latest is null || deadline > latest.Deadline)
            {
                latest = new NightlyCheckResult(DateOnly.ParseExact(e.RowKey, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), deadline, e.GetBoolean("ExportArrived") ?? false, e.GetString("Message"));
            }
        }

        if (latest is null || latest.ExportArrived)
        {
            return null;
        }

        var since = await runs.StartedSinceAsync(latest.Deadline, cancellationToken).ConfigureAwait(false);
        return since.Count == 0 ? latest : null;
    }
}
