using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace CompFunctions.Infrastructure.Tests;

/// <summary>Runs the Bicep CLI restored from NuGet (Azure.Bicep.CommandLine.linux-x64) on the templates under infra/.</summary>
internal static class Bicep
{
    public sealed record Result(int ExitCode, string Output, string Errors);

    public static string InfraPath(params string[] parts) => Path.Combine([RepositoryRoot(), "infra", .. parts]);

    public static Result Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in 2 minutes.");
        }

        return new Result(process.ExitCode, output.Result, errors.Result);
    }

    /// <summary>The ARM JSON <c>bicep build --stdout</c> compiles a template to.</summary>
    public static JsonNode Compile(string template)
    {
        var result = Run("build", InfraPath(template), "--stdout");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build {template} failed: {result.Errors}");
        }

        return JsonNode.Parse(result.Output)!;
    }

    private static string Executable()
    {
        var folder = typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPackageFolder").Value;
        var path = Path.Combine(folder!, "tools", OperatingSystem.IsWindows() ? "bicep.exe" : "bicep");
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        }

        return path;
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CompFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("CompFunctions.sln not found above the test's output folder.");
    }
}
