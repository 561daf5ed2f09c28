using System.Text.Json;
using Xunit;

namespace CompFunctions.Infrastructure.Tests;

public sealed class HostJsonTests
{
    /// <summary>
    /// The Functions host silently ignores a host.json with comments (azure-functions-host #9583) and
    /// runs on defaults, so the file stays strict JSON; its settings are explained in infra/README.md.
    /// </summary>
    [Fact]
    public void Host_json_is_strict_json_because_the_host_ignores_a_commented_one()
    {
        var path = Path.Combine(Path.GetDirectoryName(Bicep.InfraPath())!, "src", "CompFunctions.Functions", "host.json");

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false });

        Assert.Equal(5, document.RootElement.GetProperty("extensions").GetProperty("queues").GetProperty("maxDequeueCount").GetInt32());
    }
}
