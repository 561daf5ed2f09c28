using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Data.Tables;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Money;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Statements;
using CompFunctions.Pipeline.Http;
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

    /// <summary>A 50.00 line for a held meeting.</summary>
    private static PayoutLine HeldLine(string meetingId) =>
        new($"{meetingId}:meeting_held", meetingId, LineKind.Earning, "meeting_held", new Money(50m, Currency.USD), "held", ["HELD"],
            new QualificationSummary(true, "icp", [], null), new DocumentRef("p", 1), new DocumentRef("r", 1), new SourceRef("x.csv", 2), null);

    private static StatementBody BodyOf(params PayoutLine[] lines) => new([.. lines.Select(StoredLine.From)], [], []);

    /// <summary>Lines as the API prints them (records holding lists compare those by reference).</summary>
    private static string Printed(IEnumerable<PayoutLine> lines) => JsonSerializer.Serialize(lines.Select(LineDocument.From));

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
    public async Task A_statement_row_reads_back_every_line_and_verdict_exactly_with_totals_summed_from_them()
    {
        var store = pipeline.Services.GetRequiredService<StatementStore>();
        const string partition = "2027-12|it-cache-row";
        var own = new PayoutLine("T-DG-1:pipeline", "T-DG-1", LineKind.Earning, "pipeline", new Money(123.45m, Currency.USD), "1% of pipeline", ["PIPELINE"],
                new QualificationSummary(true, "icp", [], null, "meets the ICP"), new DocumentRef("p", 3), new DocumentRef("r", 2), new SourceRef("x.csv", 12_345_678_901), null)
            { Account = "Acme", BookedOn = new DateOnly(2027, 12, 6) };
        var adjustment = new PayoutLine("T-DG-2:meeting_held@2027-11", "T-DG-2", LineKind.Clawback, "meeting_held", new Money(-50m, Currency.USD), "no-show", ["NO_SHOW", "CLAWBACK"],
            new QualificationSummary(false, null, ["industry", "lead_score"], "no_show"), new DocumentRef("p", 1), new DocumentRef("r", 1), new SourceRef("y.csv", 2), "2027-11/T-DG-2:meeting_held");
        var verdict = new VerdictDocument(true, "icp", null, [], "meets the ICP", new DocumentRefDocument("r", 2), []);
        var body = new StatementBody([StoredLine.From(own)], [StoredLine.From(adjustment)], [new StoredVerdict("T-DG-1", verdict)]);

        await store.WriteAsync(StatementStore.Encode(partition, body), (await store.ReadAsync(partition, CancellationToken.None))?.Head, CancellationToken.None);
        var read = (await store.ReadAsync(partition, CancellationToken.None))!;

        Assert.Equal(Printed([own, adjustment]), Printed(read.AllLines()));
        Assert.Equal(12_345_678_901, read.AllLines()[0].Source.Line);
        Assert.Equal("T-DG-1", read.Body.Verdicts.Single().MeetingId);
        Assert.Equal(JsonSerializer.Serialize(verdict), JsonSerializer.Serialize(read.Body.Verdicts.Single().Verdict));
        Assert.Equal((2, "USD", 123.45m, -50.00m, 73.45m), (read.Summary.Lines, read.Summary.Currency, read.Summary.Earnings, read.Summary.Clawbacks, read.Summary.Net));
        Assert.Equal(StatementStore.Encode(partition, body).Digest, read.Summary.Digest);
        Assert.NotEqual(read.Summary.Digest, StatementStore.Encode(partition, body with { Verdicts = [] }).Digest);
        Assert.Equal(read.Summary, await store.GetAsync(read.Summary.Period, "it-cache-row", CancellationToken.None));
        await pipeline.Tables.GetTableClient(Tables.Statements).DeleteEntityAsync("2027-12", "it-cache-row");
    }

    [Fact]
    public async Task A_statement_whose_one_meeting_changed_is_merged_into_its_row_and_reads_back_as_the_whole_new_statement()
    {
        var store = pipeline.Services.GetRequiredService<StatementStore>();
        var (evaluator, month, earlier) = await StatementJsonTests.BusyMonthAsync();
        const string partition = "2026-11|it-cache-busy";
        await store.WriteAsync(StatementStore.Encode(partition, evaluator.Evaluate("sdr-busy", StatementJsonTests.November, month, earlier), null), null, CancellationToken.None);
        var changed = month.ToList();
        var held = changed.FindIndex(m => m.Status == MeetingStatus.Held);
        changed[held] = changed[held] with { Status = MeetingStatus.NoShow };
        var evaluation = evaluator.Evaluate("sdr-busy", StatementJsonTests.November, changed, earlier);

        var head = await store.ReadHeadAsync(partition, CancellationToken.None);
        var merge = StatementStore.Encode(partition, evaluation, head);
        Assert.True(await store.WriteIfChangedAsync(merge, head, CancellationToken.None));
        var read = (await store.ReadAsync(partition, CancellationToken.None))!;

        var whole = StatementStore.FromRow(StatementStore.Encode(partition, evaluation, null).Row);
        Assert.True(merge.Merge);
        Assert.Equal(1, merge.SegmentsWritten);
        Assert.Equal(whole.Summary with { Digest = "" }, read.Summary with { Digest = "" });
        Assert.Equal(whole.Summary.Digest, read.Summary.Digest);
        Assert.Equal(Printed(whole.AllLines()), Printed(read.AllLines()));
        Assert.Equal(JsonSerializer.Serialize(whole.Body.Verdicts), JsonSerializer.Serialize(read.Body.Verdicts));
        Assert.False(await store.WriteIfChangedAsync(StatementStore.Encode(partition, evaluation, await store.ReadHeadAsync(partition, CancellationToken.None)), head, CancellationToken.None));
        await pipeline.Tables.GetTableClient(Tables.Statements).DeleteEntityAsync("2026-11", "it-cache-busy");
    }

    [Fact]
    public async Task A_writer_whose_read_is_out_of_date_changes_nothing_and_is_told_to_evaluate_again()
    {
        var store = pipeline.Services.GetRequiredService<StatementStore>();
        const string partition = "2027-12|it-cache-race";

        // Two writers find no statement: the first adds it, the second cannot.
        await store.WriteAsync(StatementStore.Encode(partition, BodyOf(HeldLine("T-RC-1"))), null, CancellationToken.None);
        await Assert.ThrowsAsync<ConcurrentStatementChangeException>(() => store.WriteAsync(StatementStore.Encode(partition, BodyOf(HeldLine("T-RC-2"))), null, CancellationToken.None));

        // Two writers read the same row: the first replaces it, the second cannot.
        var read = await store.ReadAsync(partition, CancellationToken.None);
        await store.WriteAsync(StatementStore.Encode(partition, BodyOf(HeldLine("T-RC-1"), HeldLine("T-RC-3"))), read?.Head, CancellationToken.None);
        await Assert.ThrowsAsync<ConcurrentStatementChangeException>(() => store.WriteAsync(StatementStore.Encode(partition, BodyOf(HeldLine("T-RC-4"))), read?.Head, CancellationToken.None));

        var final = (await store.ReadAsync(partition, CancellationToken.None))!;
        Assert.Equal(["T-RC-1", "T-RC-3"], final.AllLines().Select(l => l.MeetingId));
        Assert.Equal(100.00m, final.Summary.Net);
        await pipeline.Tables.GetTableClient(Tables.Statements).DeleteEntityAsync("2027-12", "it-cache-race");
    }

    [Fact]
    public async Task Lines_and_verdicts_an_earlier_version_stored_one_row_each_are_folded_into_their_statement_row_once()
    {
        var lines = pipeline.Tables.GetTableClient(LegacyTables.PayoutLines);
        var verdicts = pipeline.Tables.GetTableClient(LegacyTables.Verdicts);
        var statements = pipeline.Tables.GetTableClient(Tables.Statements);
        await lines.CreateIfNotExistsAsync();
        await verdicts.CreateIfNotExistsAsync();
        const string partition = "2027-12|it-cache-legacy";
        var held = HeldLine("T-LG-1");
        var adjustment = HeldLine("T-LG-0") with { LineId = "T-LG-0:meeting_held@2027-11", Kind = LineKind.Adjustment, Adjusts = "2027-11/T-LG-0:meeting_held" };
        var verdict = new VerdictDocument(true, "icp", null, [], "meets the ICP", new DocumentRefDocument("r", 1), []);
        // What an earlier version wrote: a row per line, a row per verdict, and a summary row.
        await lines.UpsertEntityAsync(LineEntities.ToEntity(held, partition));
        await lines.UpsertEntityAsync(LineEntities.ToEntity(adjustment, partition));
        await verdicts.UpsertEntityAsync(new TableEntity(partition, "T-LG-1") { ["Json"] = JsonSerializer.Serialize(verdict, StatementDocument.Json) });
        await statements.UpsertEntityAsync(new TableEntity("2027-12", "it-cache-legacy") { ["Digest"] = "old", ["Lines"] = 2, ["Dirty"] = true });
        await statements.DeleteEntityAsync("!store", "every-statement-one-row");

        await new StatementStore(pipeline.Tables).MoveRowsFromBeforeDocumentsAsync(CancellationToken.None);

        var read = (await pipeline.Services.GetRequiredService<StatementStore>().ReadAsync(partition, CancellationToken.None))!;
        Assert.Equal(Printed([held]), Printed(read.Body.Lines.Select(l => l.ToLine())));
        Assert.Equal(Printed([adjustment]), Printed(read.Body.Adjustments.Select(l => l.ToLine())));
        Assert.Equal("T-LG-1", read.Body.Verdicts.Single().MeetingId);
        Assert.Equal((2, 100.00m), (read.Summary.Lines, read.Summary.Net));
        Assert.Empty(await lines.QueryAsync<TableEntity>(e => e.PartitionKey == partition).ToListAsync());
        Assert.Empty(await verdicts.QueryAsync<TableEntity>(e => e.PartitionKey == partition).ToListAsync());
        Assert.True((await statements.GetEntityIfExistsAsync<TableEntity>("!store", "every-statement-one-row")).HasValue);
        var statement = JsonDocument.Parse(await pipeline.Http.GetStringAsync("/api/statements/2027-12/it-cache-legacy")).RootElement;
        Assert.Equal(100.00m, statement.GetProperty("totals").GetProperty("net").GetDecimal());
        await statements.DeleteEntityAsync("2027-12", "it-cache-legacy");
    }

    [Fact]
    public async Task A_statement_row_that_kept_its_adjustments_in_its_body_keeps_them_when_its_month_is_evaluated_again()
    {
        var statements = pipeline.Tables.GetTableClient(Tables.Statements);
        var adjustment = HeldLine("T-AB-0") with { LineId = "T-AB-0:meeting_held@2027-11", Kind = LineKind.Adjustment, Adjusts = "2027-11/T-AB-0:meeting_held" };
        // The layout of earlier today: adjustments inside the body, no Layout column.
        var old = new TableEntity("2027-12", "it-cache-layout") { ["Digest"] = "old", ["Lines"] = 1, ["Currency"] = "USD", ["Net"] = "50.00" };
        GzipJson.Set(old, new StatementBody([], [StoredLine.From(adjustment)], []), StoredJson.Default.StatementBody, "test");
        await statements.UpsertEntityAsync(old);

        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/cache/layout.csv", CsvRows.File(
            CsvRows.Held("T-AB-1", "it-cache-layout", bookedAt: "2027-12-01T10:00:00-08:00", scheduledFor: "2027-12-02T10:00:00-08:00"))));
        var statement = await pipeline.WaitForStatementAsync("2027-12", "it-cache-layout");

        Assert.Contains(statement.Lines, l => l.LineId == "T-AB-0:meeting_held@2027-11" && l.Amount == 50.00m);
        Assert.Contains(statement.Lines, l => l.MeetingId == "T-AB-1");
        var head = await pipeline.Services.GetRequiredService<StatementStore>().ReadHeadAsync("2027-12|it-cache-layout", CancellationToken.None);
        Assert.Equal(["T-AB-0:meeting_held@2027-11"], head!.Adjustments.Select(a => a.Line.LineId));
        // Rewritten in the current layout (3: lines and verdicts in segments).
        Assert.Equal(3, (await statements.GetEntityAsync<TableEntity>("2027-12", "it-cache-layout")).Value.GetInt32("Layout"));
    }
}
