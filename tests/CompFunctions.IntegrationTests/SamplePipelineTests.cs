using System.Text.Json;
using Azure.Data.Tables;
using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Ingestion;
using CompFunctions.Pipeline.Storage;
using Xunit;

namespace CompFunctions.IntegrationTests;

[Collection(PipelineCollection.Name)]
public sealed class SamplePipelineTests(PipelineFixture pipeline)
{
    [Fact]
    public async Task The_sample_export_becomes_statements_that_explain_M1042_and_M1043_over_http()
    {
        const string export = "it/sample/2026/11/26/meetings.csv";
        var run = await pipeline.WaitForRunAsync(await pipeline.DropSampleExportAsync(export));

        Assert.Equal(RunStatus.CompletedWithQuarantine, run.Status);
        Assert.Equal((37, 36, 1), (run.RowsRead, run.Accepted, run.Quarantined));

        var statement = await pipeline.WaitForStatementAsync("2026-11", "sdr-ana");
        Assert.Equal(("sdr-ana", "2026-11", "USD", "open"), (statement.SdrId, statement.Period, statement.Currency, statement.Status));

        var m1042 = statement.Lines.Where(l => l.MeetingId == "M-1042").ToDictionary(l => l.Component);
        Assert.Equal(50.00m, m1042["meeting_held"].Amount);
        Assert.Equal(0.00m, m1042["qualified_meeting"].Amount);
        Assert.Equal(480.00m, m1042["pipeline"].Amount);
        Assert.Equal("1% of 48,000.00 USD pipeline: opportunity O-77 reached Negotiation (Proposal or later pays)", m1042["pipeline"].Reason);
        Assert.All(m1042.Values, l =>
        {
            Assert.False(l.Qualification.Qualified);
            Assert.Null(l.Qualification.By);
            Assert.Equal(["lead_score", "employee_count", "industry"], l.Qualification.FailedCriteria);
            Assert.Equal(("sdr-2026", 1), (l.Plan.Id, l.Plan.Version));
            Assert.Equal(("icp-2026", 1), (l.Ruleset.Id, l.Ruleset.Version));
            // The export that brought this version of M-1042: this drop, or an identical earlier one another test made.
            Assert.Equal(2L, l.Source.Line);
        });

        var m1043 = statement.Lines.Where(l => l.MeetingId == "M-1043").ToArray();
        Assert.Equal(3, m1043.Length);
        Assert.All(m1043, l => Assert.Equal(0.00m, l.Amount));
        Assert.All(m1043, l => Assert.Equal("No-show on 2026-11-05: no-shows are not paid", l.Reason));

        // Oct 31 evening in Los Angeles is Nov 1 in UTC: M-1049 is on October's statement, not November's.
        Assert.DoesNotContain(statement.Lines, l => l.MeetingId == "M-1049");
        var october = await pipeline.WaitForStatementAsync("2026-10", "sdr-ana");
        Assert.Contains(october.Lines, l => l.MeetingId == "M-1049");

        Assert.Equal(1180.00m, statement.Totals.Earnings);
        Assert.Equal(1180.00m, statement.Totals.Net);
        Assert.Equal(statement.Lines.Sum(l => l.Amount), statement.Totals.Net);
    }

    [Fact]
    public async Task The_sample_row_with_a_thousands_comma_is_quarantined_in_the_report_with_its_line()
    {
        const string export = "it/sample-report/meetings.csv";
        var run = await pipeline.WaitForRunAsync(await pipeline.DropSampleExportAsync(export));

        var report = JsonDocument.Parse(await pipeline.ReadBlobTextAsync("export-reports", ExportReport.BlobName(export, run.RunId))).RootElement;
        var row = Assert.Single(report.GetProperty("quarantinedRows").EnumerateArray());
        Assert.Equal(22, row.GetProperty("line").GetInt64());
        Assert.Equal("M-2999", row.GetProperty("meetingId").GetString());
        Assert.Contains("opportunity_amount '12,500.00' contains a comma", row.GetProperty("reason").GetString());
        Assert.Equal($"export-reports/{ExportReport.BlobName(export, run.RunId)}", run.Report);
    }

    [Fact]
    public async Task Dropping_the_same_export_again_rewrites_nothing_and_queues_nothing()
    {
        const string export = "it/twice/meetings.csv";
        await pipeline.WaitForRunAsync(await pipeline.DropSampleExportAsync(export));
        await pipeline.WaitForStatementAsync("2026-11", "sdr-ana");
        var before = await SnapshotAsync();

        var again = await pipeline.WaitForRunAsync(await pipeline.DropSampleExportAsync(export));
        var after = await SnapshotAsync();

        Assert.Equal((36L, 36L, 0), (again.Accepted, again.Unchanged, again.SdrPeriodsQueued));
        Assert.Equal(before.Count, after.Count);
        Assert.Equal(before, after);
    }

    /// <summary>
    /// Rows of the sample's four SDRs (other tests use their own SDR and meeting ids); every index
    /// row and bucket blob, since they hold other tests' meetings too (no other test runs while this one does).
    /// </summary>
    private static bool IsSampleRow(string table, TableEntity e) => table == Tables.MeetingIndex
        || (table == Tables.Statements ? e.RowKey : e.PartitionKey.Split('|') is [_, var sdr] ? sdr : "") is "sdr-ana" or "sdr-ben" or "sdr-cho" or "sdr-dev";

    /// <summary>Every meeting, index and statement row of the sample, as key → ETag and properties: a rewrite of identical values would change the ETag.</summary>
    private async Task<SortedDictionary<string, string>> SnapshotAsync()
    {
        var rows = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in new[] { Tables.Meetings, Tables.MeetingIndex, Tables.Statements })
        {
            await foreach (var e in pipeline.Tables.GetTableClient(table).QueryAsync<TableEntity>())
            {
                if (!IsSampleRow(table, e))
                {
                    continue;
                }

                var properties = e.Keys
                    .Where(k => k is not "Timestamp")
                    .Order(StringComparer.Ordinal)
                    .Select(k => $"{k}={Convert.ToString(e[k], System.Globalization.CultureInfo.InvariantCulture)}");
                rows[$"{table}/{e.PartitionKey}/{e.RowKey}"] = string.Join(";", properties);
            }
        }

        // The index's bucket blobs too: rewriting one, even with the same entries, would change its ETag.
        await foreach (var blob in pipeline.Blobs.GetBlobContainerClient(Bindings.IndexContainer).GetBlobsAsync())
        {
            rows[$"{Bindings.IndexContainer}/{blob.Name}"] = blob.Properties.ETag.ToString()!;
        }

        return rows;
    }
}
