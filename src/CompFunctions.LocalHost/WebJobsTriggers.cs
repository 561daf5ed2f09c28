using Azure.Storage.Blobs;
using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Evaluation;
using CompFunctions.Pipeline.Ingestion;
using CompFunctions.Pipeline.Monitoring;
using CompFunctions.Pipeline.Policies;
using Microsoft.Azure.WebJobs;

namespace CompFunctions.LocalHost;

/// <summary>
/// The Functions app's triggers, declared for the WebJobs SDK with the same names, paths and
/// schedule (<see cref="Bindings"/>), calling the same application services.
/// </summary>
public sealed class WebJobsTriggers(ExportIngestion ingestion, PolicyDocumentIngestion policies, SdrPeriodEvaluation evaluation, NightlyExportCheck nightly)
{
    [FunctionName(Bindings.Functions.IngestExport)]
    public Task IngestExport(
        [BlobTrigger(Bindings.ExportBlobPath, Connection = Bindings.StorageConnection)] BlobClient export,
        CancellationToken cancellationToken) =>
        ingestion.IngestAsync(export, cancellationToken);

    [FunctionName(Bindings.Functions.IngestPolicyDocument)]
    public Task IngestPolicyDocument(
        [BlobTrigger(Bindings.ConfigBlobPath, Connection = Bindings.StorageConnection)] BlobClient document,
        CancellationToken cancellationToken) =>
        policies.IngestAsync(document, cancellationToken);

    [FunctionName(Bindings.Functions.EvaluateSdrPeriod)]
    public Task EvaluateSdrPeriod(
        [QueueTrigger(Bindings.EvaluationQueue, Connection = Bindings.StorageConnection)] string message,
        CancellationToken cancellationToken) =>
        evaluation.HandleAsync(message, cancellationToken);

    [FunctionName(Bindings.Functions.NightlyExportCheck)]
    public Task NightlyExportCheck(
        [TimerTrigger(Bindings.NightlyCheckSchedule)] TimerInfo timer,
        CancellationToken cancellationToken) =>
        nightly.RunAsync(cancellationToken);
}
