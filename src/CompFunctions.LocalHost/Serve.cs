using CompFunctions.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace CompFunctions.LocalHost;

/// <summary>Serves the app until Ctrl+C, starting Azurite first when the app is configured for the emulator.</summary>
internal static class Serve
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        await using var azurite = UsesEmulator(args)
            ? await Azurite.StartAsync(AzuritePorts.Default, Path.Combine(RepositoryRoot.Find(), ".azurite"), output, CancellationToken.None)
            : null;
        var app = LocalHostApp.Build(args);
        await output.WriteLineAsync($"CompFunctions local host on {LocalHostApp.DefaultUrl}/api/health (Ctrl+C to stop). Drop exports into the '{Bindings.ExportsContainer}' container.");
        await LocalHostApp.RunAsync(app);
        return 0;
    }

    private static bool UsesEmulator(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        return string.Equals(configuration[Bindings.StorageConnection], "UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase);
    }
}
