using System.Text.Json;
using Azure.Data.Tables;
using CompFunctions.LocalHost;
using CompFunctions.Pipeline.Policies;
using CompFunctions.Pipeline.Storage;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>Rulesets and plans dropped into comp-config: accepted, rejected, and what acceptance re-evaluates.</summary>
[Collection(PipelineCollection.Name)]
public sealed class PolicyDocumentTests(PipelineFixture pipeline)
{
    private Task<PolicyDocumentReport> PublishAsync(string name, string json) =>
        PipelineWaits.PublishPolicyAsync(pipeline.Blobs, name, json, PipelineFixture.Deadline);

    private async Task<string[]> AcceptedVersionsAsync(string id) =>
        (await pipeline.Tables.GetTableClient(Tables.Policies).QueryAsync<TableEntity>(e => e.PartitionKey == "ruleset|" + id).ToListAsync())
            .Select(e => e.RowKey).ToArray();

    private static string Icp(int version, string effectiveFrom, string extraPaths = "") => $$"""
        { "id": "icp-2026", "version": {{version}}, "effective_from": "{{effectiveFrom}}",
          "paths": [ { "type": "icp", "criteria": [ { "type": "lead_score", "allowed": ["A", "B"] }, { "type": "employee_count", "min": 50 } ] }{{extraPaths}} ],
          "disqualifiers": [ { "type": "no_show" } ] }
        """;

    [Theory]
    [InlineData("rulesets/bad-stage.json", """, { "type": "stage_reached", "stage": "Signed" }""", "paths.stage_reached: 'stage' 'Signed' is not one of the configured stages")]
    [InlineData("rulesets/bad-range.json", """, { "type": "icp", "criteria": [ { "type": "employee_count", "min": 9, "max": 1 } ] }""", "'min' (9) is greater than 'max' (1)")]
    [InlineData("rulesets/bad-criterion.json", """, { "type": "icp", "criteria": [ { "type": "star_sign" } ] }""", "invalid JSON")]
    public async Task A_bad_ruleset_is_rejected_naming_the_field_and_the_version_in_force_is_unchanged(string name, string extraPath, string problem)
    {
        var before = await AcceptedVersionsAsync("icp-2026");

        var report = await PublishAsync(name, Icp(7, "2027-06-01", extraPath));

        Assert.Equal(PolicyDocumentStatus.Rejected, report.Status);
        Assert.Contains(report.Problems, p => p.Contains(problem, StringComparison.Ordinal));
        Assert.Equal(before, await AcceptedVersionsAsync("icp-2026"));
    }

    [Fact]
    public async Task Invalid_json_is_rejected_with_a_report()
    {
        var report = await PublishAsync("rulesets/broken.json", """{ "id": "icp-2026", "version": 8,, """);

        Assert.Equal(PolicyDocumentStatus.Rejected, report.Status);
        Assert.Contains("invalid JSON", Assert.Single(report.Problems));
    }

    [Fact]
    public async Task A_second_version_starting_the_same_day_as_an_accepted_one_is_rejected()
    {
        var report = await PublishAsync("rulesets/overlap.json", Icp(9, "2026-01-01"));

        Assert.Equal(PolicyDocumentStatus.Rejected, report.Status);
        Assert.Contains("effective_from: version 1 of icp-2026 already takes effect on 2026-01-01", Assert.Single(report.Problems));
    }

    [Fact]
    public async Task A_document_outside_the_rulesets_and_plans_folders_is_rejected()
    {
        var report = await PublishAsync("icp.json", Icp(10, "2027-07-01"));

        Assert.Contains("put rulesets under rulesets/, plans under plans/", Assert.Single(report.Problems));
    }

    [Fact]
    public async Task Dropping_an_accepted_version_again_changes_nothing()
    {
        var json = await File.ReadAllTextAsync(Path.Combine(pipeline.Root, "samples/comp-config/rulesets/icp-2026.json"));

        var report = await PublishAsync("rulesets/icp-2026-again.json", json);

        Assert.Equal(PolicyDocumentStatus.AlreadyAccepted, report.Status);
        Assert.Empty(report.SdrPeriodsQueued);
    }

    [Fact]
    public async Task A_new_ruleset_version_mid_month_re_evaluates_the_open_period_and_each_meeting_keeps_its_own_version()
    {
        // Both meetings are outside the ICP (lead score C) but accepted by the AE; March 2027 is untouched by other tests.
        const string export = "it/rules-version/meetings.csv";
        var rows = CsvRows.File(
            CsvRows.Held("T-RV-1", "it-rules", bookedAt: "2027-03-10T10:00:00-08:00", leadScore: "C", scheduledFor: "2027-03-11T10:00:00-08:00"),
            CsvRows.Held("T-RV-2", "it-rules", bookedAt: "2027-03-20T10:00:00-07:00", leadScore: "C", scheduledFor: "2027-03-21T10:00:00-07:00"));
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(export, rows));
        var before = await pipeline.WaitForStatementAsync("2027-03", "it-rules");
        Assert.Equal(100.00m, before.Totals.Net);

        var report = await PublishAsync("rulesets/icp-2026-v2.json", Icp(2, "2027-03-15", """, { "type": "ae_accepted", "within_days": 14 }"""));
        Assert.Equal(PolicyDocumentStatus.Accepted, report.Status);
        Assert.Contains("2027-03|it-rules", report.SdrPeriodsQueued);

        StatementSnapshot? after = null;
        await PipelineFixture.Until(async () =>
        {
            after = new StatementSnapshot(await pipeline.Http.GetStringAsync("/api/statements/2027-03/it-rules"));
            return after.Net == 250.00m;
        }, "the statement to reflect ruleset v2");
        Assert.Equal(2, after!.RulesetVersionOf("T-RV-2"));
        Assert.Equal(1, after.RulesetVersionOf("T-RV-1"));

        var meeting = JsonDocument.Parse(await pipeline.Http.GetStringAsync("/api/meetings/T-RV-2")).RootElement.GetProperty("verdict");
        Assert.Equal("ae_accepted", meeting.GetProperty("by").GetString());
        Assert.Equal(2, meeting.GetProperty("ruleset").GetProperty("version").GetInt32());
        Assert.Equal("qualified: the AE accepted it on 2027-03-21, within 14 days of the meeting", meeting.GetProperty("explanation").GetString());
    }

    private sealed class StatementSnapshot(string json)
    {
        private readonly JsonElement _root = JsonDocument.Parse(json).RootElement;

        public decimal Net => _root.GetProperty("totals").GetProperty("net").GetDecimal();

        public int RulesetVersionOf(string meetingId) => _root.GetProperty("lines").EnumerateArray()
            .First(l => l.GetProperty("meetingId").GetString() == meetingId)
            .GetProperty("ruleset").GetProperty("version").GetInt32();
    }
}

[Collection(PipelineCollection.Name)]
public sealed class FxDocumentTests(PipelineFixture pipeline)
{
    [Fact]
    public async Task An_accepted_fx_table_prices_a_foreign_currency_opportunity_and_the_line_shows_the_rate()
    {
        const string export = "it/fx/meetings.csv";
        var row = "meeting_id,sdr_id,ae_id,booked_at,scheduled_for,meeting_status,ae_decision,lead_score,employee_count,industry,opportunity_id,opportunity_stage,opportunity_amount,currency,opportunity_created_at\n"
            + "T-FX-1,it-fx,ae-bo,2026-11-10T10:00:00-08:00,2026-11-12T10:00:00-08:00,held,accepted,A,300,Software,O-FX-1,Proposal,10000.00,EUR,2026-11-13T09:00:00-08:00\n";
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(export, row));
        var before = await pipeline.WaitForStatementAsync("2026-11", "it-fx");
        Assert.Contains("UNPRICED_FX_RATE_MISSING", before.Lines.Single(l => l.Component == "pipeline").ReasonCodes);

        var report = await PipelineWaits.PublishPolicyAsync(pipeline.Blobs, "fx/fx.json", await File.ReadAllTextAsync(Path.Combine(pipeline.Root, "samples/comp-config/fx/fx.json")), PipelineFixture.Deadline);
        Assert.Equal(PolicyDocumentStatus.Accepted, report.Status);

        await PipelineFixture.Until(async () =>
        {
            var statement = await pipeline.WaitForStatementAsync("2026-11", "it-fx");
            return statement.Lines.Single(l => l.Component == "pipeline").Amount == 109.20m;
        }, "the pipeline line to be converted at the FX table's rate");
        var line = (await pipeline.WaitForStatementAsync("2026-11", "it-fx")).Lines.Single(l => l.Component == "pipeline");
        Assert.Contains("converted from 10,000.00 EUR at 1 EUR = 1.092 USD on 2026-11-01", line.Reason);
    }
}
