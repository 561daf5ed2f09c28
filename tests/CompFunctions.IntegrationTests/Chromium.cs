using System.Diagnostics;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>
/// Headless Chromium, as <c>scripts/screenshot-statement.sh</c> runs it: a fresh profile, no
/// network chatter, the page's DOM after layout dumped to standard output.
/// </summary>
internal static class Chromium
{
    /// <summary>The browser: <c>$CHROMIUM</c>, else the first of chromium, chromium-browser, google-chrome on the PATH; null when there is none.</summary>
    public static string? Path { get; } = Find();

    private static string? Find()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("CHROMIUM") }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .SelectMany(dir => new[] { "chromium", "chromium-browser", "google-chrome" }.Select(name => System.IO.Path.Combine(dir, name))));
        return candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && File.Exists(c));
    }

    /// <summary>Opens <paramref name="html"/> (saved to a temporary file) and returns the DOM Chromium rendered from it.</summary>
    public static async Task<string> DumpDomAsync(string html)
    {
        var folder = Directory.CreateTempSubdirectory("compfunctions-chromium-").FullName;
        try
        {
            var page = System.IO.Path.Combine(folder, "page.html");
            await File.WriteAllTextAsync(page, html);
            var start = new ProcessStartInfo(Path!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", $"--user-data-dir={System.IO.Path.Combine(folder, "profile")}",
                "--dump-dom", new Uri(page).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var chromium = Process.Start(start)!;
            var dom = chromium.StandardOutput.ReadToEndAsync();
            var log = chromium.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await chromium.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                chromium.Kill(entireProcessTree: true);
                throw new TimeoutException($"Chromium did not render {page} within 90 s: {await log}");
            }

            Assert.True(chromium.ExitCode == 0, $"Chromium exited with {chromium.ExitCode}: {await log}");
            return await dom;
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // best effort: the browser may still hold its profile for a moment
            }
        }
    }
}

/// <summary>
/// A fact that needs headless Chromium: skipped, saying why and how to run it, on a machine
/// without it (xunit 2 decides skips before a test runs, so the check is made here).
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Path is null)
        {
            Skip = "Headless Chromium is not installed (no chromium, chromium-browser or google-chrome on the PATH, and $CHROMIUM unset): "
                + "install it (apt-get install chromium) to render the HTML report in a browser.";
        }
    }
}
