using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Data.Tables;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Money;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Statements;
using CompFunctions.Pipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>
/// Statements are served from a rendered copy while the digest in their summary row matches, and
/// never after their lines changed. (December 2027 is this class's own.)
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class StatementCacheTests(PipelineFixture pipeline)
{
    private const string Sdr = "it-cache";
    private const string Route = "/api/statements/2027-12/" + Sdr;

    private static string Export(string status) => CsvRows.File(
        $"T-CA-1,{Sdr},ae-bo,2027-12-06T10:00:00-08:00,2027-12-08T10:00:00-08:00,{status},accepted,,A,300,Software,,,,,",
        CsvRows.Held("T-CA-2", Sdr, bookedAt: "2027-12-07T10:00:00-08:00", scheduledFor: "2027-12-09T10:00:00-08:00"));

    /// <summary>A 50.00 line for a held meeting, as a row of <paramref name="partition"/>.</summary>
    private static TableEntity HeldLine(string meetingId, string partition) => LineEntities.ToEntity(
        new PayoutLine($"{meetingId}:meeting_held", meetingId, LineKind.Earning, "meeting_held", new Money(50m, Currency.USD), "held", ["HELD"],
            new QualificationSummary(true, "icp", [], null), new DocumentRef("p", 1), new DocumentRef("r", 1), new SourceRef("x.csv", 2), null),
        partition);

    private async Task<(string ETag, decimal Net, string Body)> FetchAsync()
    {
        using var response = await pipeline.Http.GetAsync(Route);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        return (response.Headers.ETag!.Tag, JsonDocument.Parse(body).RootElement.GetProperty("totals").GetProperty("net").GetDecimal(), body);
    }

    [Fact]
    public async Task A_statement_fetched_after_its_meeting_changed_and_changed_back_is_always_the_current_one()
    {
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/cache/night-1.csv", Export("held")));
        await pipeline.WaitForStatementAsync("2027-12", Sdr);
        var first = await FetchAsync();
        var again = await FetchAsync();
        Assert.Equal(400.00m, first.Net);
        Assert.Equal(first, again);

        // The first meeting turns out a no-show: the rendered copy must not be served any more.
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/cache/night-2.csv", Export("no_show")));
        var changed = await FetchAsync();
        Assert.Equal(200.00m, changed.Net);
        Assert.NotEqual(first.ETag, changed.ETag);

        // And back: the amounts of the first night, the lines now traced to the third export.
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/cache/night-3.csv", Export("held")));
        var back = await FetchAsync();
        Assert.Equal(400.00m, back.Net);
        Assert.Contains("it/cache/night-3.csv", back.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(back.ETag, new[] { first.ETag, changed.ETag });

        using var conditional = new HttpRequestMessage(HttpMethod.Get, Route);
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(back.ETag));
        using var notModified = await pipeline.Http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task A_client_accepting_gzip_gets_the_same_statement_gzipped_under_its_own_etag()
    {
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/cache/gzip.csv", CsvRows.File(
            CsvRows.Held("T-CZ-1", "it-cache-gzip", bookedAt: "2027-12-01T10:00:00-08:00", scheduledFor: "2027-12-02T10:00:00-08:00"))));
        const string route = "/api/statements/2027-12/it-cache-gzip?format=csv";
        await pipeline.WaitForStatementAsync("2027-12", "it-cache-gzip");
        using var plain = await pipeline.Http.GetAsync(route);

        using var request = new HttpRequestMessage(HttpMethod.Get, route);
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var gzipped = await pipeline.Http.SendAsync(request);
        await using var inflated = new System.IO.Compression.GZipStream(await gzipped.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);

        Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
        Assert.Equal(await plain.Content.ReadAsStringAsync(), await new StreamReader(inflated).ReadToEndAsync());
        Assert.Equal(plain.Headers.ETag!.Tag[..^1] + "-gzip\"", gzipped.Headers.ETag!.Tag);
        Assert.Contains("Accept-Encoding", gzipped.Headers.Vary);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, route);
        conditional.Headers.AcceptEncoding.ParseAdd("gzip");
        conditional.Headers.IfNoneMatch.Add(plain.Headers.ETag);
        using var notModified = await pipeline.Http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task Every_summary_row_has_the_line_count_and_totals_of_its_statement()
    {
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/cache/summary.csv", CsvRows.File(
            CsvRows.Held("T-CS-1", "it-cache-a", bookedAt: "2027-12-01T10:00:00-08:00", scheduledFor: "2027-12-02T10:00:00-08:00", stage: "Proposal", amount: "10000.55"),
            CsvRows.Held("T-CS-2", "it-cache-a", bookedAt: "2027-12-03T10:00:00-08:00", scheduledFor: "2027-12-04T10:00:00-08:00", leadScore: "D"),
            CsvRows.Held("T-CS-3", "it-cache-b", bookedAt: "2027-12-03T10:00:00-08:00", scheduledFor: "2027-12-04T10:00:00-08:00"))));

        var summary = JsonDocument.Parse(await pipeline.Http.GetStringAsync("/api/statements/2027-12")).RootElement;
        var rows = summary.GetProperty("sdrs").EnumerateArray().ToArray();

        Assert.Superset(new HashSet<string?> { "it-cache-a", "it-cache-b" }, rows.Select(r => r.GetProperty("sdrId").GetString()).ToHashSet());
        foreach (var row in rows)
        {
            var statement = JsonDocument.Parse(await pipeline.Http.GetStringAsync($"/api/statements/2027-12/{row.GetProperty("sdrId").GetString()}")).RootElement;
            var totals = statement.GetProperty("totals");
            Assert.Equal(
                (statement.GetProperty("lines").GetArrayLength(), totals.GetProperty("earnings").GetDecimal(), totals.GetProperty("clawbacks").GetDecimal(), totals.GetProperty("adjustments").GetDecimal(), totals.GetProperty("net").GetDecimal()),
                (row.GetProperty("lines").GetInt32(), row.GetProperty("earnings").GetDecimal(), row.GetProperty("clawbacks").GetDecimal(), row.GetProperty("adjustments").GetDecimal(), row.GetProperty("net").GetDecimal()));
        }
    }

    [Fact]
    public async Task A_statement_digest_is_the_same_for_lines_built_here_and_read_back_from_the_table()
    {
        var table = pipeline.Tables.GetTableClient(Tables.PayoutLines);
        const string partition = "digest|it-cache";
        var lines = new[]
        {
            new PayoutLine("T-DG-1:pipeline", "T-DG-1", LineKind.Earning, "pipeline", new Money(123.45m, Currency.USD), "1% of pipeline", ["PIPELINE"],
                new QualificationSummary(true, "icp", [], null, "meets the ICP"), new DocumentRef("p", 3), new DocumentRef("r", 2), new SourceRef("x.csv", 12_345_678_901), null)
            { Account = "Acme", BookedOn = new DateOnly(2027, 12, 6) },
            new PayoutLine("T-DG-2:meeting_held@2027-11", "T-DG-2", LineKind.Clawback, "meeting_held", new Money(-50m, Currency.USD), "no-show", ["NO_SHOW", "CLAWBACK"],
                new QualificationSummary(false, null, ["industry", "lead_score"], "no_show"), new DocumentRef("p", 1), new DocumentRef("r", 1), new SourceRef("y.csv", 2), "2027-11/T-DG-2:meeting_held"),
        };
        var built = lines.Select(l => LineEntities.ToEntity(l, partition)).ToArray();

        await TableBatches.SubmitAsync(table, built.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)).ToList(), CancellationToken.None);
        var read = await table.QueryAsync<TableEntity>(e => e.PartitionKey == partition).ToListAsync();

        Assert.Equal(StatementSummaries.Digest(built), StatementSummaries.Digest(read));
        Assert.NotEqual(StatementSummaries.Digest(built), StatementSummaries.Digest(built.Take(1)));
        foreach (var e in read)
        {
            await table.DeleteEntityAsync(partition, e.RowKey);
        }
    }

    [Fact]
    public async Task A_writer_that_raced_another_leaves_the_summary_dirty_and_is_told_to_evaluate_again()
    {
        var summaries = pipeline.Services.GetRequiredService<StatementSummaries>();
        const string partition = "2027-12|it-cache-race";
        var line = HeldLine("T-RC-1", partition);

        // Two writers find no summary: the first adds it (dirty), the second cannot.
        var none = await summaries.ReadAsync(partition, CancellationToken.None);
        var created = await summaries.BeginAsync(partition, none, CancellationToken.None);
        await Assert.ThrowsAsync<ConcurrentStatementChangeException>(() => summaries.BeginAsync(partition, none, CancellationToken.None));
        await summaries.CompleteAsync(partition, created, [line], "a", "a", CancellationToken.None);
        var read = await summaries.ReadAsync(partition, CancellationToken.None);
        Assert.False(read.Summary!.Dirty);

        // Two writers read the same row: the first marks it, the second cannot.
        var first = await summaries.BeginAsync(partition, read, CancellationToken.None);
        await Assert.ThrowsAsync<ConcurrentStatementChangeException>(() => summaries.BeginAsync(partition, read, CancellationToken.None));

        // A writer whose mark was overtaken cannot complete and leaves the row dirty; one that was not leaves it clean.
        await summaries.BeginAsync(partition, await summaries.ReadAsync(partition, CancellationToken.None), CancellationToken.None);
        await Assert.ThrowsAsync<ConcurrentStatementChangeException>(() => summaries.CompleteAsync(partition, first, [line], "c", "c", CancellationToken.None));
        Assert.True((await summaries.ReadAsync(partition, CancellationToken.None)).Summary!.Dirty);
        var retry = await summaries.BeginAsync(partition, await summaries.ReadAsync(partition, CancellationToken.None), CancellationToken.None);
        await summaries.CompleteAsync(partition, retry, [line], "d", "e", CancellationToken.None);

        var clean = (await summaries.ReadAsync(partition, CancellationToken.None)).Summary!;
        Assert.Equal((false, "d", "e", 1, 50.00m), (clean.Dirty, clean.LinesDigest, clean.VerdictsDigest, clean.Lines, clean.Net));
        await pipeline.Tables.GetTableClient(Tables.Statements).DeleteEntityAsync("2027-12", "it-cache-race");
    }

    [Fact]
    public async Task Statements_written_before_summary_rows_existed_get_a_dirty_summary_once()
    {
        var lines = pipeline.Tables.GetTableClient(Tables.PayoutLines);
        var statements = pipeline.Tables.GetTableClient(Tables.Statements);
        const string partition = "2027-12|it-cache-legacy";
        var line = HeldLine("T-LG-1", partition);
        await lines.UpsertEntityAsync(line);
        await statements.DeleteEntityAsync("!store", "every-statement-summarised");
        var store = new StatementSummaries(pipeline.Tables);
        try
        {
            Assert.False(await store.CoverEveryStatementAsync(CancellationToken.None));

            await store.SummariseExistingAsync(lines, CancellationToken.None);

            var summary = (await store.ReadAsync(partition, CancellationToken.None)).Summary!;
            Assert.Equal((true, 1, 50.00m, StatementSummaries.Digest([line])), (summary.Dirty, summary.Lines, summary.Net, summary.Digest));
            Assert.True(await new StatementSummaries(pipeline.Tables).CoverEveryStatementAsync(CancellationToken.None));
        }
        finally
        {
            await lines.DeleteEntityAsync(partition, line.RowKey);
            await statements.DeleteEntityAsync("2027-12", "it-cache-legacy");
            await statements.UpsertEntityAsync(new TableEntity("!store", "every-statement-summarised"));
        }
    }
}
