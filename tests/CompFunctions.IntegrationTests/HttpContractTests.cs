using System.Net;
using System.Text.Json;
using Xunit;

namespace CompFunctions.IntegrationTests;

[Collection(PipelineCollection.Name)]
public sealed class HttpContractTests(PipelineFixture pipeline)
{
    [Theory]
    [InlineData("/api/statements/2026-13/sdr-ana", "Malformed period")]
    [InlineData("/api/statements/november/sdr-ana", "Malformed period")]
    [InlineData("/api/statements/2026-11/sdr%20ana", "Malformed SDR id")]
    public async Task A_malformed_period_or_id_is_a_400_problem(string path, string title)
    {
        using var response = await pipeline.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task An_unknown_statement_is_a_404_problem()
    {
        using var response = await pipeline.Http.GetAsync("/api/statements/2026-11/nobody");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("nobody", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_is_200_when_storage_answers()
    {
        using var response = await pipeline.Http.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("reachable", health.GetProperty("storage").GetString());
    }

    [Fact]
    public async Task Statement_amounts_are_json_numbers_with_cents()
    {
        const string export = "it/json-shape.csv";
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync(export, CsvRows.File(CsvRows.Held("T-JS-1", "it-json"))));
        await pipeline.WaitForStatementAsync("2026-11", "it-json");

        var body = await pipeline.Http.GetStringAsync("/api/statements/2026-11/it-json");

        Assert.Contains("\"amount\": 50.00", body);
        Assert.Contains("\"net\": 200.00", body);
        Assert.Contains("\"lineId\": \"T-JS-1:meeting_held\"", body);
    }
}
