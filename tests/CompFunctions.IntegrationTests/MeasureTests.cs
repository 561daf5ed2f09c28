using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>
/// <c>GET /api/measure/{period}</c> on the live policy (the sample plan sdr-2026 with the strict
/// ICP ruleset), and the HTML reports rendered in a browser. Two SDRs of their own, in 2026-11:
///   T-MS-1  it-measure-a  ICP, won 10,000            50 + 150 + 1% of 10,000 = 300
///   T-MS-2  it-measure-a  not ICP (approved exception the ruleset does not honour),
///                         lost at Negotiation 48,000  50 + 0 + 1% of 48,000 = 530
///   T-MS-3  it-measure-a  no-show                      0
///   T-MS-4  it-measure-b  ICP, AE pending              50 + 150 = 200
/// The fixture budgets 1,000.00 for the team of the two; they spend 1,030.00.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class MeasureTests(PipelineFixture pipeline)
{
    private const string Export = "it/measure/meetings.csv";

    private const string Rows = """
        meeting_id,sdr_id,ae_id,booked_at,scheduled_for,meeting_status,ae_decision,ae_decision_at,account_name,contact_title,industry,employee_count,lead_score,segment,exception_approved,exception_approved_by,opportunity_id,opportunity_stage,highest_stage,opportunity_amount,currency,close_reason
        T-MS-1,it-measure-a,ae-bo,2026-11-03T10:00:00-08:00,2026-11-05T10:00:00-08:00,held,accepted,2026-11-05T12:00:00-08:00,Nimbus,Head of RevOps,Software,300,A,MM,false,,O-T-MS-1,Closed Won,Closed Won,10000.00,USD,
        T-MS-2,it-measure-a,ae-bo,2026-11-04T10:00:00-08:00,2026-11-06T10:00:00-08:00,held,accepted,2026-11-06T12:00:00-08:00,Pérez & Hijos,Office Manager,Hospitality,40,C,SMB,true,vp-sales,O-T-MS-2,Closed Lost,Negotiation,48000.00,USD,Price
        T-MS-3,it-measure-a,ae-bo,2026-11-05T10:00:00-08:00,2026-11-06T10:00:00-08:00,no_show,pending,,Acme,VP Sales,Software,1200,A,MM,false,,,,,,,
        T-MS-4,it-measure-b,ae-cy,2026-11-09T10:00:00-08:00,2026-11-10T10:00:00-08:00,held,pending,,Ledgerly,Controller,Fintech,80,B,ENT,false,,,,,,,

        """;

    private static readonly SemaphoreSlim Once = new(1, 1);
    private static bool _dropped;

    /// <summary>Drops the export once for the class and waits until its evaluations, so both statements, are in place.</summary>
    private async Task DropOnceAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (!_dropped)
            {
                await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(Export, Rows));
                await pipeline.WaitForStatementAsync("2026-11", "it-measure-a");
                await pipeline.WaitForStatementAsync("2026-11", "it-measure-b");
                _dropped = true;
            }
        }
        finally
        {
            Once.Release();
        }
    }

    private Task<SortedDictionary<string, string>> LedgerAsync() =>
        LedgerSnapshot.TakeAsync(pipeline.Tables, "2026-11|it-measure-", "2026-11|it-measure-~", _ => true);

    private static JsonElement Sdr(JsonElement measure, string sdrId) =>
        measure.GetProperty("bySdr").EnumerateArray().Single(r => r.GetProperty("key").GetString() == sdrId);

    [Fact]
    public async Task Measuring_a_month_reports_what_each_sdrs_paid_meetings_turned_into_and_leaves_the_ledger_untouched()
    {
        await DropOnceAsync();
        var before = await LedgerAsync();

        var measure = JsonDocument.Parse(await pipeline.Http.GetStringAsync("/api/measure/2026-11")).RootElement;
        using var html = await pipeline.Http.GetAsync("/api/measure/2026-11?format=html");
        var csv = await pipeline.Http.GetStringAsync("/api/measure/2026-11?format=csv");

        // it-measure-a: 3 meetings, 2 paid (300 + 530 = 830), both accepted, 2 opportunities, 1 won;
        // 10,000 + 48,000 = 58,000 of pipeline: 58,000 / 830 = 69.879… → 69.88 per dollar; 10,000 / 830 = 12.048… → 12.05.
        var a = Sdr(measure, "it-measure-a");
        Assert.Equal((3, 2, 2, 2, 1), (a.GetProperty("meetings").GetInt32(), a.GetProperty("paid").GetInt32(), a.GetProperty("sao").GetInt32(), a.GetProperty("opportunities").GetInt32(), a.GetProperty("closedWon").GetInt32()));
        Assert.Equal((830.00m, 58000m, 10000m, 69.88m, 12.05m), (a.GetProperty("cost").GetDecimal(), a.GetProperty("pipeline").GetDecimal(), a.GetProperty("closedWonRevenue").GetDecimal(), a.GetProperty("pipelinePerPay").GetDecimal(), a.GetProperty("revenuePerPay").GetDecimal()));
        var b = Sdr(measure, "it-measure-b");
        Assert.Equal((1, 0, 200.00m), (b.GetProperty("paid").GetInt32(), b.GetProperty("sao").GetInt32(), b.GetProperty("cost").GetDecimal()));
        // What the statements pay, and the measure, agree to the cent.
        var statement = await pipeline.Http.GetFromJsonAsync<JsonElement>("/api/statements/2026-11/it-measure-a");
        Assert.Equal(statement.GetProperty("totals").GetProperty("net").GetDecimal(), a.GetProperty("cost").GetDecimal());

        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Conversion funnel by qualification path", await html.Content.ReadAsStringAsync());
        Assert.Contains("2026-11,sdr,it-measure-a,3,2,2,2,1,830.00,USD,", csv);
        Assert.Equal(before, await LedgerAsync());
    }

    [Fact]
    public async Task A_team_over_its_configured_budget_is_warned_and_the_warning_names_the_team()
    {
        await DropOnceAsync();

        var measure = JsonDocument.Parse(await pipeline.Http.GetStringAsync("/api/measure/2026-11")).RootElement;

        var team = measure.GetProperty("budgets").EnumerateArray().Single(t => t.GetProperty("team").GetString() == "it-measure");
        Assert.Equal(("exceeded", 1000.00m, 1030.00m, -30.00m), (team.GetProperty("status").GetString(), team.GetProperty("budget").GetDecimal(), team.GetProperty("spend").GetDecimal(), team.GetProperty("remaining").GetDecimal()));
        Assert.Contains(measure.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("Team it-measure: 1,030.00 USD spent in ", StringComparison.Ordinal) && w.GetString()!.EndsWith("over the budget of 1,000.00 USD by 30.00 USD", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/api/measure/2026-13")]
    [InlineData("/api/measure/2026-11?format=xml")]
    public async Task A_bad_measure_request_is_a_400_problem(string url)
    {
        using var response = await pipeline.Http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [ChromiumFact]
    public async Task The_html_reports_draw_their_charts_in_a_headless_browser()
    {
        await DropOnceAsync();
        var measureHtml = await pipeline.Http.GetStringAsync("/api/measure/2026-11?format=html");
        using var compare = await pipeline.Http.PostAsJsonAsync("/api/compare?format=html", new { periods = new[] { "2026-11" }, plans = new[] { "sdr-2026" } });
        Assert.Equal("text/html", compare.Content.Headers.ContentType?.MediaType);

        var measure = await Chromium.DumpDomAsync(measureHtml);
        var comparison = await Chromium.DumpDomAsync(await compare.Content.ReadAsStringAsync());

        Assert.Contains("<svg class=\"chart funnel\"", measure);
        Assert.Contains("data-path=\"icp\"", measure);
        Assert.Contains("class=\"bar stage4\"", measure);
        Assert.Contains("<svg class=\"chart budget\"", measure);
        Assert.Contains("<line class=\"limit\"", measure);
        Assert.Contains("<svg class=\"chart cost-vs-won\"", comparison);
        Assert.Contains("<rect class=\"bar cost\"", comparison);
        Assert.Contains("<rect class=\"bar won\"", comparison);
        Assert.DoesNotContain("<script", measure + comparison, StringComparison.OrdinalIgnoreCase);
    }
}
