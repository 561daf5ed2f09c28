using Xunit;

namespace CompFunctions.Infrastructure.Tests;

/// <summary>The templates compile and pass the linter with no error and no warning (a warning is a failure here).</summary>
public sealed class BicepLintTests
{
    public static TheoryData<string> Templates => new() { "main.bicep", "blob-subscriptions.bicep" };

    [Theory]
    [MemberData(nameof(Templates))]
    public void Template_builds_with_no_error_or_warning(string template)
    {
        var result = Bicep.Run("build", Bicep.InfraPath(template), "--stdout");

        Assert.True(result.ExitCode == 0, result.Errors);
        Assert.Equal("", result.Errors.Trim());
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Template_lints_with_no_error_or_warning(string template)
    {
        var result = Bicep.Run("lint", Bicep.InfraPath(template));

        Assert.True(result.ExitCode == 0, result.Errors + result.Output);
        Assert.Equal("", (result.Errors + result.Output).Trim());
    }
}
