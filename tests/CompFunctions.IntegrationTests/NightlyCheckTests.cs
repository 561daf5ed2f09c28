using System.Text.Json;
using Azure.Data.Tables;
using CompFunctions.Core.Periods;
using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Monitoring;
using CompFunctions.Pipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CompFunctions.IntegrationTests;

[Collection(PipelineCollection.Name)]
public sealed class NightlyCheckTests(PipelineFixture pipeline)
{
    private NightlyExportCheck CheckAt(DateTimeOffset now) => new(
        pipeline.Tables,
        pipeline.Services.GetRequiredService<RunStore>(),
        pipeline.Services.GetRequiredService<CompanyCalendar>(),
        pipeline.Services.GetRequiredService<IOptions<CompensationOptions>>(),
        new FakeTimeProvider(now),
        NullLogger<NightlyExportCheck>.Instance);

    [Fact]
    public async Task A_night_without_an_export_is_a_warning_on_health_until_an_export_arrives()
    {
        // 2030-03-02 15:00 UTC is 07:00 in Los Angeles: past the 06:00 deadline, and no export ran in the day before it.
        var result = await CheckAt(new DateTimeOffset(2030, 3, 2, 15, 0, 0, TimeSpan.Zero)).RunAsync(CancellationToken.None);
        try
        {
            Assert.False(result.ExportArrived);
            Assert.Equal("No CRM export arrived by 06:00 (America/Los_Angeles) on 2030-03-02.", result.Message);
            Assert.Equal(new DateTimeOffset(2030, 3, 2, 6, 0, 0, TimeSpan.FromHours(-8)), result.Deadline);

            var health = JsonDocument.Parse(await pipeline.Http.GetStringAsync("/api/health")).RootElement;
            Assert.Equal("degraded", health.GetProperty("status").GetString());
            Assert.Equal(result.Message, Assert.Single(health.GetProperty("warnings").EnumerateArray()).GetString());
        }
        finally
        {
            await pipeline.Tables.GetTableClient(Tables.NightlyChecks).DeleteEntityAsync("nightly", "2030-03-02");
        }
    }

    [Fact]
    public async Task A_night_with_an_export_before_the_deadline_is_fine()
    {
        var run = await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/nightly.csv", CsvRows.File(CsvRows.Held("T-NC-1", "it-nightly"))));
        // The first 06:00 deadline at or after the run: the same local day's when the run started before 06:00.
        var calendar = pipeline.Services.GetRequiredService<CompanyCalendar>();
        var sameDay = calendar.AtLocal(calendar.LocalDate(run.StartedAt), new TimeOnly(6, 0));
        var nextDeadline = run.StartedAt <= sameDay ? sameDay : calendar.AtLocal(calendar.LocalDate(run.StartedAt).AddDays(1), new TimeOnly(6, 0));

        var result = await CheckAt(nextDeadline.AddMinutes(5)).RunAsync(CancellationToken.None);
        try
        {
            Assert.True(result.ExportArrived);
        }
        finally
        {
            await pipeline.Tables.GetTableClient(Tables.NightlyChecks).DeleteEntityAsync("nightly", result.Night.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task The_timer_trigger_runs_the_check_on_its_configured_schedule()
    {
        // The fixture sets the schedule to every 5 seconds; the check writes one row per night.
        var checks = pipeline.Tables.GetTableClient(Tables.NightlyChecks);
        var night = pipeline.Services.GetRequiredService<CompanyCalendar>().LocalDate(
            pipeline.Services.GetRequiredService<NightlyExportCheck>().LatestDeadline(DateTimeOffset.UtcNow));
        await PipelineFixture.Until(
            async () => (await checks.GetEntityIfExistsAsync<TableEntity>("nightly", night.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))).HasValue,
            "the timer to record tonight's check");
    }
}
