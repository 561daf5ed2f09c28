using System.Net;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>What the product remembers across nightly exports.</summary>
[Collection(PipelineCollection.Name)]
public sealed class HistoryTests(PipelineFixture pipeline)
{
    [Fact]
    public async Task A_lost_deal_still_pays_pipeline_for_the_furthest_stage_seen_in_an_earlier_export()
    {
        const string first = "it/history/night-1.csv";
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(first, CsvRows.File(CsvRows.Held("T-HS-1", "it-history", stage: "Negotiation", amount: "30000.00"))));
        var before = await pipeline.WaitForStatementAsync("2026-11", "it-history");
        Assert.Equal(300.00m, before.Lines.Single(l => l.Component == "pipeline").Amount);

        // The next night the CRM says Closed Lost and, as some CRMs do, gives no highest_stage.
        const string second = "it/history/night-2.csv";
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(second, CsvRows.File(CsvRows.Held("T-HS-1", "it-history", stage: "Closed Lost", amount: "30000.00"))));
        var after = await pipeline.WaitForStatementAsync("2026-11", "it-history");

        var pipelineLine = after.Lines.Single(l => l.Component == "pipeline");
        Assert.Equal(300.00m, pipelineLine.Amount);
        Assert.Contains("reached Negotiation", pipelineLine.Reason);
    }

    [Fact]
    public async Task A_meeting_the_crm_moves_to_another_sdr_leaves_the_first_statement_and_is_paid_once()
    {
        const string first = "it/move/night-1.csv";
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(first, CsvRows.File(
            CsvRows.Held("T-MV-1", "it-move-from"),
            CsvRows.Held("T-MV-2", "it-move-from"))));
        await pipeline.WaitForStatementAsync("2026-11", "it-move-from");

        const string second = "it/move/night-2.csv";
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(second, CsvRows.File(
            CsvRows.Held("T-MV-1", "it-move-to"),
            CsvRows.Held("T-MV-2", "it-move-from"))));

        var to = await pipeline.WaitForStatementAsync("2026-11", "it-move-to");
        var from = await pipeline.WaitForStatementAsync("2026-11", "it-move-from");
        Assert.Equal(["T-MV-1"], to.Lines.Select(l => l.MeetingId).Distinct());
        Assert.Equal(["T-MV-2"], from.Lines.Select(l => l.MeetingId).Distinct());
    }

    [Fact]
    public async Task A_statement_whose_only_meeting_moved_away_is_gone()
    {
        const string first = "it/move-all/night-1.csv";
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(first, CsvRows.File(CsvRows.Held("T-MA-1", "it-move-all"))));
        await pipeline.WaitForStatementAsync("2026-11", "it-move-all");

        const string second = "it/move-all/night-2.csv";
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(second, CsvRows.File(CsvRows.Held("T-MA-1", "it-move-all", bookedAt: "2026-12-01T10:00:00-08:00"))));

        await pipeline.WaitForStatementAsync("2026-12", "it-move-all");
        await PipelineFixture.Until(async () =>
            (await pipeline.Http.GetAsync("/api/statements/2026-11/it-move-all")).StatusCode == HttpStatusCode.NotFound,
            "November's statement to be emptied");
    }
}

[Collection(PipelineCollection.Name)]
public sealed class OutOfOrderTests(PipelineFixture pipeline)
{
    private static string Export(string status, string modified) =>
        "meeting_id,sdr_id,ae_id,booked_at,scheduled_for,meeting_status,ae_decision,lead_score,employee_count,industry,last_modified_at\n"
        + $"T-OO-1,it-order,ae-bo,2026-11-10T10:00:00-08:00,2026-11-12T10:00:00-08:00,{status},accepted,A,300,Software,{modified}\n";

    [Fact]
    public async Task An_export_older_than_the_one_applied_does_not_overwrite_newer_data_and_the_run_says_so()
    {
        const string newer = "it/order/2026-11-21.csv";
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(newer, Export("held", "2026-11-20T09:00:00-08:00")));
        var before = await pipeline.WaitForStatementAsync("2026-11", "it-order");
        Assert.Equal(200.00m, before.Totals.Net);

        // Last week's file arrives late: it still says no-show, from before the CRM knew better.
        var late = Export("no_show", "2026-11-12T11:00:00-08:00");
        var run = await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/order/2026-11-13.csv", late));

        Assert.Equal((1L, 0L, 1L), (run.RowsRead, run.Accepted, run.Stale));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(late))), run.ContentSha256);
        var meeting = System.Text.Json.JsonDocument.Parse(await pipeline.Http.GetStringAsync("/api/meetings/T-OO-1")).RootElement;
        Assert.Equal(("held", newer), (meeting.GetProperty("status").GetString(), meeting.GetProperty("source").GetProperty("export").GetString()));
        Assert.Equal(200.00m, (await pipeline.WaitForStatementAsync("2026-11", "it-order")).Totals.Net);
    }
}
