using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CompFunctions.LocalHost;
using CompFunctions.Pipeline.Policies;
using Xunit;

namespace CompFunctions.IntegrationTests;

[Collection(PipelineCollection.Name)]
public sealed class CompareTests(PipelineFixture pipeline)
{
    private async Task PublishAsync(string name) =>
        Assert.NotEqual(PolicyDocumentStatus.Rejected, (await PipelineWaits.PublishPolicyAsync(pipeline.Blobs, name, await File.ReadAllTextAsync(Path.Combine(pipeline.Root, "samples/comp-config", name)), PipelineFixture.Deadline)).Status);

    // The sample's SDRs only: other tests' work may still be landing in their own partitions.
    private Task<SortedDictionary<string, string>> LedgerAsync() =>
        LedgerSnapshot.TakeAsync(pipeline.Tables, "2026-10|sdr-", "2026-11|sdr-zzz", partition => partition.Contains("|sdr-", StringComparison.Ordinal));

    [Fact]
    public async Task Comparing_plans_on_the_sample_reports_each_policy_and_leaves_the_ledger_untouched()
    {
        foreach (var document in new[] { "rulesets/sao-2026.json", "plans/pay-per-sao.json", "rulesets/stage-discovery-2026.json", "plans/pay-on-pipeline.json" })
        {
            await PublishAsync(document);
        }

        const string export = "it/compare/meetings.csv";
        await pipeline.WaitForRunAsync(await pipeline.DropSampleExportAsync(export));
        foreach (var period in new[] { "2026-10", "2026-11" })
        {
            foreach (var sdr in new[] { "sdr-ana", "sdr-ben", "sdr-cho", "sdr-dev" })
            {
                await pipeline.WaitForStatementAsync(period, sdr);
            }
        }
        var before = await LedgerAsync();

        using var response = await pipeline.Http.PostAsJsonAsync("/api/compare", new { periods = new[] { "2026-11" }, plans = new[] { "sdr-2026", "pay-per-sao", "pay-on-pipeline" } });
        var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        using var page = await pipeline.Http.PostAsJsonAsync("/api/compare?format=html", new { periods = new[] { "2026-11" }, plans = new[] { "sdr-2026", "pay-per-sao", "pay-on-pipeline" } });
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policies = result.GetProperty("policies").EnumerateArray().ToDictionary(p => p.GetProperty("policy").GetString()!);
        Assert.Equal(1180.00m, policies["sdr-2026"].GetProperty("costBySdr").GetProperty("sdr-ana").GetDecimal());
        Assert.Equal(policies["sdr-2026"].GetProperty("cost").GetDecimal(), policies["sdr-2026"].GetProperty("costBySdr").EnumerateObject().Sum(p => p.Value.GetDecimal()));
        var m1042 = result.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("meetingId").GetString() == "M-1042" && c.GetProperty("toPolicy").GetString() == "pay-per-sao");
        Assert.Equal((530.00m, 150.00m), (m1042.GetProperty("fromAmount").GetDecimal(), m1042.GetProperty("toAmount").GetDecimal()));
        Assert.Equal(before, await LedgerAsync());
    }

    [Theory]
    [InlineData("""{ "periods": ["2026-13"], "plans": ["sdr-2026"] }""", HttpStatusCode.BadRequest)]
    [InlineData("""{ "periods": ["2026-11"], "plans": [] }""", HttpStatusCode.BadRequest)]
    [InlineData("""{ "periods": ["2026-11"], "plans": ["no-such-plan"] }""", HttpStatusCode.NotFound)]
    [InlineData("""not json""", HttpStatusCode.BadRequest)]
    public async Task A_bad_comparison_request_is_a_problem(string body, HttpStatusCode status)
    {
        using var response = await pipeline.Http.PostAsync("/api/compare", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
