using System.Net;
using System.Text.Json;
using Xunit;

namespace CompFunctions.IntegrationTests;

[Collection(PipelineCollection.Name)]
public sealed class MeetingEndpointTests(PipelineFixture pipeline)
{
    [Fact]
    public async Task A_meeting_shows_its_whole_verdict_and_every_line_it_produced()
    {
        const string export = "it/meeting-endpoint/meetings.csv";
        await pipeline.WaitForRunAsync(await pipeline.DropSampleExportAsync(export));
        await pipeline.WaitForStatementAsync("2026-11", "sdr-ana");

        var meeting = JsonDocument.Parse(await pipeline.Http.GetStringAsync("/api/meetings/M-1042")).RootElement;

        Assert.Equal(("sdr-ana", "2026-11", "Negotiation"), (meeting.GetProperty("sdrId").GetString(), meeting.GetProperty("period").GetString(), meeting.GetProperty("furthestStage").GetString()));
        var verdict = meeting.GetProperty("verdict");
        Assert.False(verdict.GetProperty("qualified").GetBoolean());
        Assert.Equal(["lead_score", "employee_count", "industry"], verdict.GetProperty("failedCriteria").EnumerateArray().Select(c => c.GetString()));
        var criteria = verdict.GetProperty("paths")[0].GetProperty("criteria").EnumerateArray().ToDictionary(c => c.GetProperty("criterion").GetString()!, c => c.GetProperty("observed").GetString());
        Assert.Equal("C", criteria["lead_score"]);
        Assert.Equal("Office Manager", criteria["persona"]);
        var lines = meeting.GetProperty("lines").EnumerateArray().ToDictionary(l => l.GetProperty("component").GetString()!, l => l.GetProperty("amount").GetDecimal());
        Assert.Equal(new Dictionary<string, decimal> { ["meeting_held"] = 50.00m, ["qualified_meeting"] = 0.00m, ["pipeline"] = 480.00m }, lines);
    }

    [Fact]
    public async Task A_no_show_shows_the_disqualifier()
    {
        const string export = "it/meeting-endpoint-noshow/meetings.csv";
        await pipeline.WaitForRunAsync(await pipeline.DropSampleExportAsync(export));
        await pipeline.WaitForStatementAsync("2026-11", "sdr-ana");

        var verdict = JsonDocument.Parse(await pipeline.Http.GetStringAsync("/api/meetings/M-1043")).RootElement.GetProperty("verdict");

        Assert.Equal("no_show", verdict.GetProperty("disqualifiedBy").GetProperty("disqualifier").GetString());
        Assert.Equal("disqualified: no-show on 2026-11-05", verdict.GetProperty("explanation").GetString());
    }

    [Fact]
    public async Task An_unknown_meeting_is_a_404_and_a_bad_id_a_400()
    {
        using var unknown = await pipeline.Http.GetAsync("/api/meetings/M-NOPE");
        using var bad = await pipeline.Http.GetAsync("/api/meetings/M%20bad");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
