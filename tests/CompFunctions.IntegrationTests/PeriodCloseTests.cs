using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Money;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Statements;
using CompFunctions.Core.Periods;
using CompFunctions.Pipeline.Evaluation;
using CompFunctions.Pipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>Locked periods never change; later changes arrive as adjustments in the next open period. (May–August 2027 and August–October 2028 are this class's own.)</summary>
[Collection(PipelineCollection.Name)]
public sealed class PeriodCloseTests(PipelineFixture pipeline)
{
    private const string Sdr = "it-close";

    private static string Row(string status, string meetingId = "T-CL-1") =>
        $"{meetingId},{Sdr},ae-bo,2027-05-10T10:00:00-07:00,2027-05-12T10:00:00-07:00,{status},accepted,,A,300,Software,,,,,";

    /// <summary>Waits until an SDR's statement of a period has <paramref name="count"/> lines, and returns them.</summary>
    internal static async Task<JsonElement[]> WaitForLinesAsync(PipelineFixture pipeline, string period, string sdrId, int count, string what)
    {
        JsonElement[] lines = [];
        await PipelineFixture.Until(async () =>
        {
            using var response = await pipeline.Http.GetAsync($"/api/statements/{period}/{sdrId}");
            lines = response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("lines").EnumerateArray().ToArray() : [];
            return lines.Length == count;
        }, what);
        return lines;
    }

    private async Task<string> CsvAsync(string period) =>
        await pipeline.Http.GetStringAsync($"/api/statements/{period}/{Sdr}?format=csv");

    private async Task<JsonElement[]> LinesAsync(string period) =>
        JsonDocument.Parse(await pipeline.Http.GetStringAsync($"/api/statements/{period}/{Sdr}")).RootElement.GetProperty("lines").EnumerateArray().ToArray();

    [Fact]
    public async Task A_locked_period_never_changes_and_later_changes_become_exact_adjustments_that_do_not_repeat()
    {
        // May: a held, qualified meeting earns 200.00 (50 held + 150 qualified).
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/close/night-1.csv", CsvRows.Header + "\n" + Row("held") + "\n"));
        await pipeline.WaitForStatementAsync("2027-05", Sdr);
        using (var locked = await pipeline.LockAsync("2027-05"))
        {
            Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        }

        var mayBefore = await CsvAsync("2027-05");

        // June's export says the May meeting was a no-show.
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/close/night-2.csv", CsvRows.Header + "\n" + Row("no_show") + "\n"));
        var june = await WaitForLinesAsync(pipeline, "2027-06", Sdr, 2, "June's adjustments");

        Assert.Equal(mayBefore, await CsvAsync("2027-05"));
        Assert.Equal("locked", JsonDocument.Parse(await pipeline.Http.GetStringAsync($"/api/statements/2027-05/{Sdr}")).RootElement.GetProperty("status").GetString());
        // The plan claws back no-shows reported within 30 days (the export gives no last_modified_at: seen at the meeting).
        Assert.All(june, l => Assert.Equal("clawback", l.GetProperty("kind").GetString()));
        var held = june.Single(l => l.GetProperty("component").GetString() == "meeting_held");
        Assert.Equal(-50.00m, held.GetProperty("amount").GetDecimal());
        Assert.Equal("2027-05/T-CL-1:meeting_held", held.GetProperty("adjusts").GetString());
        Assert.Equal("T-CL-1:meeting_held@2027-05", held.GetProperty("lineId").GetString());
        Assert.StartsWith("T-CL-1 changed after 2027-05 was locked: 2027-05 paid 50.00 USD; it should be 0.00 USD (No-show on 2027-05-12", held.GetProperty("reason").GetString());
        Assert.Equal(-200.00m, june.Sum(l => l.GetProperty("amount").GetDecimal()));

        // The same export again: nothing changed, so nothing is evaluated or written.
        var juneBefore = await CsvAsync("2027-06");
        var again = await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/close/night-2-again.csv", CsvRows.Header + "\n" + Row("no_show") + "\n"));
        Assert.Equal((1L, 0), (again.Unchanged, again.SdrPeriodsQueued));
        Assert.Equal(juneBefore, await CsvAsync("2027-06"));

        // June is paid and locked; then the CRM flips the meeting back to held: July gets the reversing adjustment.
        (await pipeline.LockAsync("2027-06")).Dispose();
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/close/night-3.csv", CsvRows.Header + "\n" + Row("held") + "\n"));
        var july = await WaitForLinesAsync(pipeline, "2027-07", Sdr, 2, "July's reversing adjustments");
        Assert.Equal(200.00m, july.Sum(l => l.GetProperty("amount").GetDecimal()));
        Assert.All(july, l => Assert.Equal("adjustment", l.GetProperty("kind").GetString()));
        Assert.Contains("already adjusted by -50.00 USD", july.Single(l => l.GetProperty("component").GetString() == "meeting_held").GetProperty("reason").GetString());
        Assert.Equal(mayBefore, await CsvAsync("2027-05"));
    }

    [Fact]
    public async Task A_no_show_reported_after_the_clawback_window_is_not_clawed_back_and_the_line_says_so()
    {
        const string sdr = "it-late";
        static string Late(string status, string modified) =>
            "meeting_id,sdr_id,ae_id,booked_at,scheduled_for,meeting_status,ae_decision,lead_score,employee_count,industry,last_modified_at\n"
            + $"T-LT-1,{sdr},ae-bo,2027-10-04T10:00:00-07:00,2027-10-06T10:00:00-07:00,{status},accepted,A,300,Software,{modified}\n";
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/late/night-1.csv", Late("held", "2027-10-06T12:00:00-07:00")));
        await pipeline.WaitForStatementAsync("2027-10", sdr);
        (await pipeline.LockAsync("2027-10")).Dispose();

        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/late/night-2.csv", Late("no_show", "2027-11-20T12:00:00-08:00")));
        var november = await WaitForLinesAsync(pipeline, "2027-11", sdr, 2, "November's lines on the late no-show");

        Assert.All(november, l => Assert.Equal(0.00m, l.GetProperty("amount").GetDecimal()));
        Assert.Contains("reported on 2027-11-20, 45 days after the meeting, outside the 30-day clawback window: not clawed back", november[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_statement_read_before_its_period_was_locked_cannot_be_written_after_the_lock_and_reads_as_locked()
    {
        var store = pipeline.Services.GetRequiredService<StatementStore>();
        const string partition = "2028-08|it-close-race";
        await store.WriteAsync(StatementStore.Encode(partition, Body("T-LR-1")), null, CancellationToken.None);

        // An evaluation has read the statement (the period was open) when finance locks the period.
        var inFlight = (await store.ReadHeadAsync(partition, CancellationToken.None))!;
        using (var locked = await pipeline.LockAsync("2028-08"))
        {
            Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        }

        await Assert.ThrowsAsync<ConcurrentStatementChangeException>(() =>
            store.WriteAsync(StatementStore.Encode(partition, Body("T-LR-1", "T-LR-2"), inFlight), inFlight, CancellationToken.None));
        var after = (await store.ReadHeadAsync(partition, CancellationToken.None))!;
        Assert.False(inFlight.Locked);
        Assert.True(after.Locked);
        Assert.Equal(inFlight.Summary, after.Summary);
        Assert.Equal(50.00m, after.Summary.Net);
    }

    [Fact]
    public async Task Adjustments_are_never_booked_into_a_month_locked_after_the_evaluation_read_which_months_are_locked()
    {
        var store = pipeline.Services.GetRequiredService<StatementStore>();
        const string sdr = "it-close-book";
        await store.WriteAsync(StatementStore.Encode($"2028-09|{sdr}", Body("T-LB-1")), null, CancellationToken.None);
        await store.WriteAsync(StatementStore.Encode($"2028-10|{sdr}", Body("T-LB-2")), null, CancellationToken.None);

        // September and October are locked; an evaluation read the locked months when only September was.
        foreach (var period in new[] { "2028-09", "2028-10" })
        {
            using var locked = await pipeline.LockAsync(period);
            Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        }

        var october = (await store.ReadHeadAsync($"2028-10|{sdr}", CancellationToken.None))!;
        var nowPays = Line("T-LB-1", 80m);
        await Assert.ThrowsAsync<StatementLockedException>(() => Adjustments.BookAsync(
            store, sdr, CompPeriod.Parse("2028-09"), [nowPays], new HashSet<CompPeriod> { CompPeriod.Parse("2028-09") },
            _ => (null, null), at => at.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None));

        // October, paid as it was locked, is as it was; the retry, with the lock in view, books into November.
        var after = (await store.ReadHeadAsync($"2028-10|{sdr}", CancellationToken.None))!;
        Assert.Equal(october.ETag, after.ETag);
        Assert.Empty(after.Adjustments);
        var (open, booked) = await Adjustments.BookAsync(
            store, sdr, CompPeriod.Parse("2028-09"), [nowPays], new HashSet<CompPeriod> { CompPeriod.Parse("2028-09"), CompPeriod.Parse("2028-10") },
            _ => (null, null), at => at.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);
        Assert.Equal(("2028-11", 1), (open.ToString(), booked));
        Assert.Equal(30.00m, (await store.ReadHeadAsync($"2028-11|{sdr}", CancellationToken.None))!.Adjustments.Single().Line.Amount);
    }

    private static PayoutLine Line(string meetingId, decimal amount) => new(
        $"{meetingId}:meeting_held", meetingId, LineKind.Earning, "meeting_held", new Money(amount, Currency.USD), "held", ["HELD"],
        new QualificationSummary(true, "icp", [], null), new DocumentRef("p", 1), new DocumentRef("r", 1), new SourceRef("x.csv", 2), null);

    private static StatementBody Body(params string[] meetings) => new([.. meetings.Select(m => StoredLine.From(Line(m, 50m)))], [], []);

    [Fact]
    public async Task Locking_a_locked_period_is_a_409_and_locking_needs_the_admin_key()
    {
        using var first = await pipeline.LockAsync("2027-08");
        using var again = await pipeline.LockAsync("2027-08");
        using var withFunctionKey = await pipeline.Http.PostAsync("/api/periods/2027-09/lock", null);
        using var anonymous = await pipeline.Anonymous.PostAsync("/api/periods/2027-09/lock", null);
        using var malformed = await pipeline.LockAsync("2027-13");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, withFunctionKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }
}

[Collection(PipelineCollection.Name)]
public sealed class ReplayTests(PipelineFixture pipeline)
{
    [Fact]
    public async Task Replaying_a_period_evaluates_it_again_and_reproduces_the_same_lines()
    {
        const string export = "it/replay/meetings.csv";
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(export, CsvRows.File(
            CsvRows.Held("T-RP-1", "it-replay", bookedAt: "2027-04-05T10:00:00-07:00", scheduledFor: "2027-04-07T10:00:00-07:00"),
            CsvRows.Held("T-RP-2", "it-replay", bookedAt: "2027-04-06T10:00:00-07:00", scheduledFor: "2027-04-08T10:00:00-07:00", leadScore: "D", stage: "Proposal", amount: "12345.67"))));
        await pipeline.WaitForStatementAsync("2027-04", "it-replay");
        var before = await pipeline.Http.GetStringAsync("/api/statements/2027-04/it-replay?format=csv");
        var summaries = pipeline.Tables.GetTableClient(CompFunctions.Pipeline.Storage.Tables.Statements);
        var summaryEtag = (await summaries.GetEntityAsync<Azure.Data.Tables.TableEntity>("2027-04", "it-replay")).Value.ETag;

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/periods/2027-04/replay");
        request.Headers.Add("x-functions-key", PipelineFixture.AdminKey);
        using var response = await pipeline.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var replay = (await response.Content.ReadFromJsonAsync<CompFunctions.Pipeline.Http.ReplayDocument>(CompFunctions.Pipeline.Http.StatementDocument.Json))!;
        Assert.Contains("2027-04|it-replay", replay.SdrPeriodsQueued);
        var evaluations = pipeline.Tables.GetTableClient(CompFunctions.Pipeline.Storage.Tables.Evaluations);
        var audit = CompFunctions.Pipeline.Evaluation.SdrPeriodEvaluation.AuditPartition(replay.RequestedBy);
        await PipelineFixture.Until(async () => (await evaluations.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(audit, "2027-04|it-replay")).HasValue, "the replay's evaluation to be recorded");

        // Evaluated again to the same lines: the digests in the statement row said so, and the row was not rewritten.
        Assert.Equal(summaryEtag, (await summaries.GetEntityAsync<Azure.Data.Tables.TableEntity>("2027-04", "it-replay")).Value.ETag);
        Assert.Equal(before, await pipeline.Http.GetStringAsync("/api/statements/2027-04/it-replay?format=csv"));
    }
}

[Collection(PipelineCollection.Name)]
public sealed class AuditTrailTests(PipelineFixture pipeline)
{
    [Fact]
    public async Task Every_line_of_a_statement_resolves_to_its_run_and_export_line_and_the_evaluation_is_recorded()
    {
        // The sample under its own SDR and meeting ids, so this run is the one that brings every line.
        const string export = "it/audit/meetings.csv";
        var sample = await File.ReadAllTextAsync(Path.Combine(pipeline.Root, CompFunctions.LocalHost.PipelineWaits.SampleExport));
        var runId = await pipeline.DropExportAsync(export, sample.Replace("\nM-", "\nAUDIT-", StringComparison.Ordinal).Replace(",sdr-ana,", ",it-audit-ana,", StringComparison.Ordinal));
        await pipeline.WaitForRunAsync(runId);
        var statement = await pipeline.WaitForStatementAsync("2026-11", "it-audit-ana");
        var exportLines = (await pipeline.ExportBlob(export).DownloadContentAsync()).Value.Content.ToString().Split('\n');
        var runs = pipeline.Tables.GetTableClient(CompFunctions.Pipeline.Storage.Tables.Runs);

        foreach (var line in statement.Lines)
        {
            var run = Assert.Single(await runs.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.GetString("Export") == line.Source.Export).ToListAsync());
            Assert.Equal(runId, run.RowKey);
            Assert.StartsWith(line.MeetingId + ",", exportLines[line.Source.Line - 1], StringComparison.Ordinal);
        }

        var evaluation = await pipeline.Tables.GetTableClient(CompFunctions.Pipeline.Storage.Tables.Evaluations).GetEntityAsync<Azure.Data.Tables.TableEntity>(runId, "2026-11|it-audit-ana");
        Assert.Equal(("sdr-2026 v1", "icp-2026 v1", 21), (evaluation.Value.GetString("Plans"), evaluation.Value.GetString("Rulesets"), evaluation.Value.GetInt32("Lines")));
    }

    [Fact]
    public async Task Every_version_of_a_meeting_stays_readable_after_the_crm_changes_it()
    {
        static string Row(string status) => CsvRows.Header + "\n" + CsvRows.Held("T-HY-1", "it-history-audit").Replace(",held,", $",{status},", StringComparison.Ordinal) + "\n";
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/history-audit/1.csv", Row("held")));
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/history-audit/2.csv", Row("no_show")));
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/history-audit/3.csv", Row("no_show")));

        var versions = await CompFunctions.Pipeline.Storage.MeetingHistory.VersionsAsync(
            pipeline.Tables.GetTableClient(CompFunctions.Pipeline.Storage.Tables.MeetingHistory), "T-HY-1", CancellationToken.None);

        Assert.Equal([CompFunctions.Core.Meetings.MeetingStatus.Held, CompFunctions.Core.Meetings.MeetingStatus.NoShow], versions.Select(v => v.Meeting.Status).Order());
        Assert.Equal(["it/history-audit/1.csv", "it/history-audit/2.csv"], versions.Select(v => v.Meeting.SourceRef.Export).Order());
        Assert.All(versions, v => Assert.Equal("2026-11|it-history-audit", v.AppliedPartition));
    }
}
