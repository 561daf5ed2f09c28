using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CompFunctions.LocalHost;
using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Http;
using CompFunctions.Pipeline.Ingestion;
using CompFunctions.Pipeline.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CompFunctions.IntegrationTests;

[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "pipeline on Azurite";
}

/// <summary>
/// One Azurite (its own free ports and a temporary folder) and one local host for the whole
/// collection, with the sample ruleset and plan published. Tests wait for effects by polling
/// with a deadline, never by sleeping a fixed time.
/// </summary>
public sealed class PipelineFixture : IAsyncLifetime
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private readonly string _azuriteFolder = Path.Combine(Path.GetTempPath(), "compfunctions-azurite-" + Guid.NewGuid().ToString("N"));
    private Azurite? _azurite;
    private WebApplication? _host;

    /// <summary>The key the local host requires on every route but health in these tests.</summary>
    public const string FunctionKey = "test-function-key";

    public const string AdminKey = "test-admin-key";

    /// <summary>A client that sends the function key.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Locks a period with the admin key.</summary>
    public async Task<HttpResponseMessage> LockAsync(string period)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/periods/{period}/lock");
        request.Headers.Add("x-functions-key", AdminKey);
        using var admin = new HttpClient { BaseAddress = Http.BaseAddress };
        return await admin.SendAsync(request);
    }

    /// <summary>A client for the same host that sends no key.</summary>
    public HttpClient Anonymous => new() { BaseAddress = Http.BaseAddress };

    public IServiceProvider Services => _host!.Services;

    public string Root { get; } = RepositoryRoot.Find();

    public BlobServiceClient Blobs => Services.GetRequiredService<BlobServiceClient>();

    public TableServiceClient Tables => Services.GetRequiredService<TableServiceClient>();

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync(AzuritePorts.Free(), _azuriteFolder, TextWriter.Null, CancellationToken.None);
        var url = $"http://127.0.0.1:{AzuritePorts.Free().Blob}";
        _host = LocalHostApp.Build([], new Dictionary<string, string?>
        {
            [Bindings.StorageConnection] = _azurite.ConnectionString,
            ["Urls"] = url,
            ["Compensation:NightlyCheck:Schedule"] = "*/5 * * * * *",
            // MeasureTests' team: its two SDRs spend 1,030.00 in 2026-11, over this budget whatever the date.
            ["Compensation:Budgets:it-measure:Monthly"] = "1000.00",
            ["Compensation:Budgets:it-measure:Sdrs:0"] = "it-measure-a",
            ["Compensation:Budgets:it-measure:Sdrs:1"] = "it-measure-b",
            ["Logging:LogLevel:Default"] = "Warning",
            ["LocalHost:FunctionKey"] = FunctionKey,
            ["LocalHost:AdminKey"] = AdminKey,
        });
        await _host.StartAsync();
        Http = new HttpClient { BaseAddress = new Uri(url) };
        Http.DefaultRequestHeaders.Add("x-functions-key", FunctionKey);

        await PipelineWaits.PublishSamplePoliciesAsync(Blobs, Root, Deadline);
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        try
        {
            if (_host is not null)
            {
                await LocalHostApp.StopAsync(_host);
                await _host.DisposeAsync();
            }
        }
        finally
        {
            // Whatever the host did on the way down, never leave an emulator behind.
            if (_azurite is not null)
            {
                await _azurite.DisposeAsync();
            }

            try
            {
                Directory.Delete(_azuriteFolder, recursive: true);
            }
            catch (IOException)
            {
                // best effort: a temp folder left behind harms nothing
            }
        }
    }

    public BlobClient ExportBlob(string name) => Blobs.GetBlobContainerClient(Bindings.ExportsContainer).GetBlobClient(name);

    /// <summary>Drops an export (see <see cref="BlobDrops"/> for why drops are spaced) and returns its run id.</summary>
    public async Task<string> DropExportAsync(string name, string content)
    {
        var uploaded = await BlobDrops.DropAsync(Blobs.GetBlobContainerClient(Bindings.ExportsContainer), name, BinaryData.FromString(content));
        return RunIds.Of(name, uploaded.ETag);
    }

    public Task<string> DropSampleExportAsync(string name) =>
        DropExportAsync(name, File.ReadAllText(Path.Combine(Root, PipelineWaits.SampleExport)));

    /// <summary>Waits until the run finished and every SDR period it queued was evaluated.</summary>
    public Task<RunRecord> WaitForRunAsync(string runId) =>
        PipelineWaits.ForRunAsync(Services.GetRequiredService<RunStore>(), Tables, runId, Deadline);

    /// <summary>Reads a statement once it exists; call after <see cref="WaitForRunAsync"/>, which waits for the run's evaluations.</summary>
    public Task<StatementDocument> WaitForStatementAsync(string period, string sdrId) =>
        PipelineWaits.ForStatementAsync(Http, period, sdrId, Deadline);

    public async Task<string> ReadBlobTextAsync(string container, string name) =>
        (await Blobs.GetBlobContainerClient(container).GetBlobClient(name).DownloadContentAsync()).Value.Content.ToString();

    public static Task Until(Func<Task<bool>> condition, string what) => PipelineWaits.Until(condition, what, Deadline);
}
