using System.Text.Json;
using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Ingestion;
using CompFunctions.Pipeline.Storage;
using Xunit;

namespace CompFunctions.IntegrationTests;

[Collection(PipelineCollection.Name)]
public sealed class BadInputTests(PipelineFixture pipeline)
{
    private async Task<JsonElement> ReportAsync(string export, RunRecord run) =>
        JsonDocument.Parse(await pipeline.ReadBlobTextAsync(Bindings.ReportsContainer, ExportReport.BlobName(export, run.RunId))).RootElement;

    [Fact]
    public async Task A_file_missing_required_columns_is_rejected_whole_with_a_report_and_the_blob_is_kept()
    {
        const string export = "it/missing-columns.csv";
        const string content = "meeting_id,ae_id,scheduled_for,meeting_status\nT-MC-1,ae-bo,2026-11-12T10:00:00Z,held\n";
        var run = await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(export, content));

        Assert.Equal(RunStatus.Rejected, run.Status);
        Assert.Contains("Missing required column(s): sdr_id, booked_at", run.Error);
        var report = await ReportAsync(export, run);
        Assert.Equal(["sdr_id", "booked_at"], report.GetProperty("missingColumns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(0, run.Accepted);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await pipeline.Http.GetAsync("/api/meetings/T-MC-1")).StatusCode);
        Assert.Equal(content, (await pipeline.ExportBlob(export).DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task Bad_rows_are_quarantined_with_line_and_reason_and_the_good_rows_are_applied()
    {
        const string export = "it/bad-rows.csv";
        var content = CsvRows.File(
            CsvRows.Held("T-BR-1", "it-bad-rows"),
            CsvRows.Held("T-BR-2", "it-bad-rows").Replace(",held,", ",maybe,", StringComparison.Ordinal),
            CsvRows.Held("T-BR-3", "it-bad-rows", bookedAt: "11/10/2026"),
            CsvRows.Held("T BR 4", "it-bad-rows"),
            CsvRows.Held("T-BR-5", "it-bad-rows", stage: "Proposal", amount: "\"12,500.00\""),
            CsvRows.Held("T-BR-1", "it-bad-rows"),
            CsvRows.Held("T-BR-6", "it-bad-rows"));
        var run = await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(export, content));

        Assert.Equal(RunStatus.CompletedWithQuarantine, run.Status);
        Assert.Equal((7L, 2L, 5L), (run.RowsRead, run.Accepted, run.Quarantined));
        var rows = (await ReportAsync(export, run)).GetProperty("quarantinedRows").EnumerateArray()
            .ToDictionary(r => r.GetProperty("line").GetInt64(), r => r.GetProperty("reason").GetString()!);
        Assert.Contains("meeting_status 'maybe'", rows[3]);
        Assert.Contains("booked_at '11/10/2026'", rows[4]);
        Assert.Contains("meeting_id 'T BR 4' has a character outside", rows[5]);
        Assert.Contains("contains a comma", rows[6]);
        Assert.Contains("appears earlier in this file", rows[7]);

        var statement = await pipeline.WaitForStatementAsync("2026-11", "it-bad-rows");
        Assert.Equal(["T-BR-1", "T-BR-6"], statement.Lines.Select(l => l.MeetingId).Distinct());
    }

    [Fact]
    public async Task A_file_broken_by_an_unterminated_quote_applies_the_rows_before_it_reports_where_and_hashes_the_whole_file()
    {
        const string export = "it/malformed.csv";
        var content = CsvRows.File(
            CsvRows.Held("T-MF-1", "it-malformed"),
            CsvRows.Held("T-MF-2", "it-malformed").Replace(",Software,", ",\"Soft,ware,", StringComparison.Ordinal),
            CsvRows.Held("T-MF-3", "it-malformed"));
        var run = await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(export, content));

        Assert.Equal((RunStatus.CompletedWithQuarantine, 2L, 1L, 1L), (run.Status, run.RowsRead, run.Accepted, run.Quarantined));
        var row = Assert.Single((await ReportAsync(export, run)).GetProperty("quarantinedRows").EnumerateArray());
        Assert.Equal(3, row.GetProperty("line").GetInt64());
        Assert.Contains("Nothing after this point could be read", row.GetProperty("reason").GetString());
        // The run names the file it was given, not how far it could be read.
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content))), run.ContentSha256);
        Assert.Equal(["T-MF-1"], (await pipeline.WaitForStatementAsync("2026-11", "it-malformed")).Lines.Select(l => l.MeetingId).Distinct());
    }

    [Fact]
    public async Task A_report_over_its_row_limit_lists_the_first_lines_of_the_file_and_counts_every_row()
    {
        // Rows are checked bucket by bucket, not in file order: the list must still be the file's first lines.
        const string export = "it/many-bad-rows.csv";
        var rows = Enumerable.Range(1, ExportReport.ListLimit + 5)
            .Select(i => CsvRows.Held($"T-MB-{i}", "it-many-bad-rows").Replace(",held,", ",maybe,", StringComparison.Ordinal));
        var run = await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(export, CsvRows.File([.. rows])));

        Assert.Equal((ExportReport.ListLimit + 5L, 0L, ExportReport.ListLimit + 5L), (run.RowsRead, run.Accepted, run.Quarantined));
        var report = await ReportAsync(export, run);
        Assert.True(report.GetProperty("listsTruncated").GetBoolean());
        Assert.Equal(
            Enumerable.Range(2, ExportReport.ListLimit).Select(line => (long)line),
            report.GetProperty("quarantinedRows").EnumerateArray().Select(r => r.GetProperty("line").GetInt64()));
    }

    [Fact]
    public async Task An_empty_file_is_rejected_with_a_report_saying_so()
    {
        const string export = "it/empty.csv";
        var run = await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(export, ""));

        Assert.Equal(RunStatus.Rejected, run.Status);
        Assert.Contains("empty", (await ReportAsync(export, run)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_header_only_file_completes_with_no_rows()
    {
        var run = await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/header-only.csv", CsvRows.Header + "\r\n"));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal((0L, 0L, 0L), (run.RowsRead, run.Accepted, run.Quarantined));
    }

    [Fact]
    public async Task Bom_crlf_and_quoted_newlines_are_read_like_any_other_file()
    {
        const string export = "it/bom-crlf.csv";
        var rows = CsvRows.File(CsvRows.Held("T-BOM-1", "it-bom"), CsvRows.Held("T-BOM-2", "it-bom"))
            .Replace("\n", "\r\n", StringComparison.Ordinal)
            + "T-BOM-3,it-bom,ae-bo,2026-11-10T10:00:00-08:00,2026-11-12T10:00:00-08:00,held,accepted,,A,300,\"Soft\r\nware, Inc\",,,,,\r\n";
        var run = await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(export, "\uFEFF" + rows));

        Assert.Equal((3L, 3L, 0L), (run.RowsRead, run.Accepted, run.Quarantined));
        var statement = await pipeline.WaitForStatementAsync("2026-11", "it-bom");
        Assert.Equal(["T-BOM-1", "T-BOM-2", "T-BOM-3"], statement.Lines.Select(l => l.MeetingId).Distinct());
    }
}
