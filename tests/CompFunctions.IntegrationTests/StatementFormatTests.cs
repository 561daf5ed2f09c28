using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sylvan.Data.Csv;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>The statement routes in every format, with caching and keys, as finance and reps call them.</summary>
[Collection(PipelineCollection.Name)]
public sealed class StatementFormatTests(PipelineFixture pipeline)
{
    private const string Hostile = "=HYPERLINK(\"http://evil.example\",\"click\")";

    private async Task<string> DropHostileAsync(string sdrId)
    {
        var export = $"it/formats/{sdrId}.csv";
        var rows = "meeting_id,sdr_id,ae_id,booked_at,scheduled_for,meeting_status,ae_decision,lead_score,employee_count,industry,account_name\n"
            + $"T-FM-1-{sdrId},{sdrId},ae-bo,2026-11-10T10:00:00-08:00,2026-11-12T10:00:00-08:00,held,accepted,A,300,Software,\"{Hostile.Replace("\"", "\"\"", StringComparison.Ordinal)}\"\n"
            + $"T-FM-2-{sdrId},{sdrId},ae-bo,2026-11-11T10:00:00-08:00,2026-11-13T10:00:00-08:00,held,accepted,C,10,Retail,<script>alert(1)</script>\n";
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(export, rows));
        await pipeline.WaitForStatementAsync("2026-11", sdrId);
        return export;
    }

    private static List<Dictionary<string, string>> ReadCsv(string csv)
    {
        using var reader = CsvDataReader.Create(new StringReader(csv));
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, reader.GetString));
        }

        return rows;
    }

    [Fact]
    public async Task Csv_statement_has_a_row_per_line_that_adds_up_and_neutralises_formulas()
    {
        await DropHostileAsync("it-csv");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/statements/2026-11/it-csv");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));

        using var response = await pipeline.Http.SendAsync(request);
        var rows = ReadCsv(await response.Content.ReadAsStringAsync());

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(6, rows.Count);
        Assert.All(rows.Where(r => r["meeting_id"] == "T-FM-1-it-csv"), r => Assert.Equal("'" + Hostile, r["account"]));
        Assert.Equal(250.00m, rows.Sum(r => decimal.Parse(r["amount"], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("2026-11-10", rows[0]["booked_on"]);
        Assert.Equal("USD", rows[0]["currency"]);
    }

    [Fact]
    public async Task Format_query_parameter_wins_over_the_accept_header()
    {
        await DropHostileAsync("it-format");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/statements/2026-11/it-format?format=csv");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await pipeline.Http.SendAsync(request);

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_unknown_format_is_a_400_problem()
    {
        using var response = await pipeline.Http.GetAsync("/api/statements/2026-11/sdr-ana?format=xml");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("json, csv, html", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Html_statement_shows_verdicts_reasons_and_totals_with_every_value_encoded()
    {
        await DropHostileAsync("it-html");

        using var response = await pipeline.Http.GetAsync("/api/statements/2026-11/it-html?format=html");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Payout statement · it-html", html);
        Assert.Contains("250.00 USD", html);
        Assert.Contains("Not qualified: lead score C (needs A or B)", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.DoesNotContain("<script>", html);
    }

    [Fact]
    public async Task A_statement_carries_an_etag_answered_with_304_until_it_changes()
    {
        var export = await DropHostileAsync("it-etag");
        using var first = await pipeline.Http.GetAsync("/api/statements/2026-11/it-etag");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/statements/2026-11/it-etag");
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await pipeline.Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        var changed = $"it/formats/it-etag-2.csv";
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(changed, CsvRows.File(CsvRows.Held("T-FM-1-it-etag", "it-etag"), CsvRows.Held("T-FM-2-it-etag", "it-etag"))));
        await pipeline.WaitForStatementAsync("2026-11", "it-etag");
        using var afterChange = new HttpRequestMessage(HttpMethod.Get, "/api/statements/2026-11/it-etag");
        afterChange.Headers.IfNoneMatch.Add(etag);
        using var fresh = await pipeline.Http.SendAsync(afterChange);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.NotEqual(etag, fresh.Headers.ETag);
        Assert.NotEqual(export, changed);
    }

    [Fact]
    public async Task Without_the_function_key_the_routes_answer_401_but_health_does_not_need_it()
    {
        using var anonymous = pipeline.Anonymous;

        using var statement = await anonymous.GetAsync("/api/statements/2026-11/sdr-ana");
        using var meeting = await anonymous.GetAsync("/api/meetings/M-1042");
        using var wrongKey = await anonymous.GetAsync("/api/statements/2026-11?code=wrong");
        using var health = await anonymous.GetAsync("/api/health");
        using var withCode = await anonymous.GetAsync($"/api/statements/2026-11/nobody?code={PipelineFixture.FunctionKey}");

        Assert.Equal(HttpStatusCode.Unauthorized, statement.StatusCode);
        Assert.Equal("application/problem+json", statement.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, meeting.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, withCode.StatusCode);
    }

    [Fact]
    public async Task The_payroll_summary_has_a_row_per_sdr_and_totals_per_currency_that_add_up()
    {
        await DropHostileAsync("it-summary");

        var summary = JsonDocument.Parse(await pipeline.Http.GetStringAsync("/api/statements/2026-11")).RootElement;
        var rows = summary.GetProperty("sdrs").EnumerateArray().ToArray();
        var row = rows.Single(r => r.GetProperty("sdrId").GetString() == "it-summary");
        Assert.Equal((250.00m, 6, "USD", "open"), (row.GetProperty("net").GetDecimal(), row.GetProperty("lines").GetInt32(), row.GetProperty("currency").GetString(), row.GetProperty("status").GetString()));
        var usd = summary.GetProperty("totals").EnumerateArray().Single(t => t.GetProperty("currency").GetString() == "USD");
        Assert.Equal(rows.Sum(r => r.GetProperty("net").GetDecimal()), usd.GetProperty("net").GetDecimal());
        Assert.Equal(rows.Length, usd.GetProperty("sdrs").GetInt32());

        var csv = ReadCsv(await pipeline.Http.GetStringAsync("/api/statements/2026-11?format=csv"));
        Assert.Equal("250.00", csv.Single(r => r["sdr_id"] == "it-summary")["net"]);
    }

    [Fact]
    public async Task A_summary_of_a_malformed_period_is_a_400_problem()
    {
        using var response = await pipeline.Http.GetAsync("/api/statements/26-11");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
