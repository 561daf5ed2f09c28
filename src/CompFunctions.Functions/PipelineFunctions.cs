using Azure.Storage.Blobs;
using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Evaluation;
using CompFunctions.Pipeline.Ingestion;
using CompFunctions.Pipeline.Monitoring;
using CompFunctions.Pipeline.Policies;
using Microsoft.Azure.Functions.Worker;

namespace CompFunctions.Functions;

/// <summary>
/// The nightly pipeline's triggers. Each binds its trigger and calls one application service.
/// The blob triggers take their events from Event Grid (the only blob trigger source the Flex
/// Consumption plan supports; the subscriptions are created by infra/blob-subscriptions.bicep);
/// the local host keeps polling its containers.
/// </summary>
public sealed class PipelineFunctions(ExportIngestion ingestion, PolicyDocumentIngestion policies, SdrPeriodEvaluation evaluation, NightlyExportCheck nightly)
{
    [Function(Bindings.Functions.IngestExport)]
    public Task IngestExport(
        [BlobTrigger(Bindings.ExportBlobPath, Source = BlobTriggerSource.EventGrid, Connection = Bindings.StorageConnection)] BlobClient export,
        FunctionContext context) =>
        ingestion.IngestAsync(export, context.CancellationToken);

    [Function(Bindings.Functions.IngestPolicyDocument)]
    public Task IngestPolicyDocument(
        [BlobTrigger(Bindings.ConfigBlobPath, Source = BlobTriggerSource.EventGrid, Connection = Bindings.StorageConnection)] BlobClient document,
        FunctionContext context) =>
        policies.IngestAsync(document, context.CancellationToken);

    [Function(Bindings.Functions.EvaluateSdrPeriod)]
    public Task EvaluateSdrPeriod(
        [QueueTrigger(Bindings.EvaluationQueue, Connection = Bindings.StorageConnection)] string message,
        FunctionContext context) =>
        evaluation.HandleAsync(message, context.CancellationToken);

    [Function(Bindings.Functions.NightlyExportCheck)]
    public Task NightlyExportCheck(
        [TimerTrigger(Bindings.NightlyCheckSchedule)] TimerInfo timer,
        FunctionContext context) =>
        nightly.RunAsync(context.CancellationToken);
}
