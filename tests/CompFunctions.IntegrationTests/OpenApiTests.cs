using System.Text.Json;
using CompFunctions.LocalHost;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>docs/openapi.json is kept by hand; these keep it true to what the hosts serve.</summary>
[Collection(PipelineCollection.Name)]
public sealed class OpenApiTests(PipelineFixture pipeline)
{
    private static JsonElement OpenApi() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "docs", "openapi.json"))).RootElement;

    [Fact]
    public void The_openapi_description_lists_exactly_the_routes_the_local_host_serves()
    {
        var documented = OpenApi().GetProperty("paths").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        var served = pipeline.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Order(StringComparer.Ordinal);

        Assert.Equal(documented, served);
    }

    [Fact]
    public void The_openapi_description_lists_exactly_the_http_routes_of_the_functions_app()
    {
        var documented = OpenApi().GetProperty("paths").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal(documented, TriggerDriftTests.HttpRoutes().Select(r => "/api/" + r).Order(StringComparer.Ordinal));
    }
}
