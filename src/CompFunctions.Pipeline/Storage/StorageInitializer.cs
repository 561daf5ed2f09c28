using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Hosting;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Creates the containers, queue and tables the app uses when they do not exist yet (in Azure the
/// Bicep template creates them too; locally this makes a fresh Azurite work with no setup), and
/// once per store moves what earlier versions stored in older layouts into the current one:
/// meetings stored one row each into their partition's pack, and payout lines and verdicts stored
/// one row each into their statement's row.
/// </summary>
public sealed class StorageInitializer(BlobServiceClient blobs, QueueServiceClient queues, TableServiceClient tables, StatementStore statements) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var container in new[] { Bindings.ExportsContainer, Bindings.ReportsContainer, Bindings.ConfigContainer, Bindings.ConfigReportsContainer, Bindings.IndexContainer })
        {
            await blobs.GetBlobContainerClient(container).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await queues.GetQueueClient(Bindings.EvaluationQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var table in Tables.All)
        {
            await tables.CreateTableIfNotExistsAsync(table, cancellationToken).ConfigureAwait(false);
        }

        await MeetingPacks.PackExistingAsync(tables.GetTableClient(Tables.Meetings), cancellationToken).ConfigureAwait(false);
        await statements.MoveRowsFromBeforeDocumentsAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
