using CompFunctions.Core.Comparison;
using CompFunctions.Pipeline.Http;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>The report page on its own (no storage): CRM text lands in it, so every value must be encoded.</summary>
public sealed class PolicyReportHtmlTests
{
    private const string Hostile = "<script>alert(1)</script>";

    private static FunnelRow Row(string key) => new(key, 2, 1, 1, 1, 0, 50.00m, 1000m, 0m, 1m, 1m, 0m, 20.00m, 0.00m);

    [Fact]
    public void Every_value_on_the_report_page_is_html_encoded_and_the_page_has_no_script()
    {
        var measure = new PeriodMeasure(
            "2026-11", new DateOnly(2026, 11, 15), "USD", 50.00m, 50.00m, 0m, 0m, Row("all"), [Row("icp")], [Row(Hostile)], [Row("sdr-x")],
            [new BudgetCheck("all", "every SDR", "USD", 40m, 50m, -10m, 15, 30, 100m, BudgetCheck.Exceeded, "Team all: " + Hostile)],
            ["Team all: " + Hostile], [Hostile]);
        var comparison = new ComparisonResult(
            [new PolicyOutcome("sdr-2026", "USD", 50m, 2, 1, 1, 1, 1000m, 0m, 50m, 50m, 50m, 0.05m, null, new Dictionary<string, decimal> { ["sdr-x"] = 50m })],
            [new OutcomeChange("M-1", "sdr-x", "sdr-2026", 50m, "not qualified: " + Hostile, "other", 0m, Hostile)]);

        var html = PolicyReportHtml.Render(new PolicyReport(["2026-11"], comparison, [measure], DateTimeOffset.UnixEpoch));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("<svg class=\"chart funnel\"", html);
        Assert.Contains("<svg class=\"chart cost-vs-won\"", html);
        Assert.Contains("<p class=\"warning exceeded\">", html);
    }
}
