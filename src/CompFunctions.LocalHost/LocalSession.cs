using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CompFunctions.LocalHost;

/// <summary>
/// What the <c>demo</c> and <c>compare</c> commands run on: Azurite on its default ports with its
/// data in <c>.azurite/</c> (started unless one already listens there) and the local host on
/// <see cref="LocalHostApp.DefaultUrl"/>; disposing stops the host, then the Azurite it started.
/// </summary>
internal sealed class LocalSession : IAsyncDisposable
{
    private readonly Azurite _azurite;

    private LocalSession(Azurite azurite, WebApplication app, string root)
    {
        _azurite = azurite;
        App = app;
        Root = root;
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>The repository root, where <c>samples/</c> is.</summary>
    public string Root { get; }

    public static async Task<LocalSession> StartAsync(string[] args, TextWriter output)
    {
        var root = RepositoryRoot.Find();
        var azurite = await Azurite.StartAsync(AzuritePorts.Default, Path.Combine(root, ".azurite"), output, CancellationToken.None);
        try
        {
            var app = LocalHostApp.Build(args, new Dictionary<string, string?> { [Bindings.StorageConnection] = azurite.ConnectionString });
            await app.StartAsync();
            await output.WriteLineAsync($"Local host: listening on {LocalHostApp.DefaultUrl}.");
            return new LocalSession(azurite, app, root);
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary>Drops the bundled sample export into <c>crm-exports</c> as <paramref name="name"/> and waits for its run.</summary>
    public async Task<RunRecord> DropSampleExportAsync(string name, TimeSpan deadline, TextWriter output)
    {
        var exports = Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(Bindings.ExportsContainer);
        var uploaded = await BlobDrops.DropAsync(exports, name, await BinaryData.FromStreamAsync(File.OpenRead(Path.Combine(Root, PipelineWaits.SampleExport))));
        await output.WriteLineAsync($"Export: dropped {PipelineWaits.SampleExport} as {Bindings.ExportsContainer}/{name}; waiting for the pipeline...");
        var run = await PipelineWaits.ForRunAsync(Services.GetRequiredService<RunStore>(), Services.GetRequiredService<TableServiceClient>(), RunIds.Of(name, uploaded.ETag), deadline);
        await output.WriteLineAsync($"Run {run.RunId}: {run.Status}; {run.RowsRead} rows read, {run.Accepted} accepted ({run.Unchanged} unchanged since the last run), {run.Quarantined} quarantined, {run.SdrPeriodsQueued} SDR periods queued. Report: {run.Report}");
        return run;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await LocalHostApp.StopAsync(App);
            await App.DisposeAsync();
        }
        finally
        {
            await _azurite.DisposeAsync();
        }
    }
}
