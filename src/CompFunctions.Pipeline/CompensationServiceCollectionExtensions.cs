using Azure.Identity;
using Azure.Storage.Queues;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Pipeline.Evaluation;
using CompFunctions.Pipeline.Http;
using CompFunctions.Pipeline.Ingestion;
using CompFunctions.Pipeline.Monitoring;
using CompFunctions.Pipeline.Policies;
using CompFunctions.Pipeline.Reports;
using CompFunctions.Pipeline.Storage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CompFunctions.Pipeline;

public static class CompensationServiceCollectionExtensions
{
    /// <summary>
    /// Everything both hosts need: validated options, the storage clients (one registration,
    /// through <c>Microsoft.Extensions.Azure</c>), the stores and the application services.
    /// </summary>
    public static IServiceCollection AddCompensation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CompensationOptions>()
            .BindConfiguration(CompensationOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CompensationOptions>, CompensationOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new CompanyCalendar(sp.GetRequiredService<IOptions<CompensationOptions>>().Value.TimeZone));
        services.AddSingleton(sp => new EvaluationContext(
            sp.GetRequiredService<CompanyCalendar>(),
            sp.GetRequiredService<IOptions<CompensationOptions>>().Value.StageOrder));

        var storage = StorageConnection.From(configuration);
        var transactions = new StorageTransactions(storage);
        services.AddSingleton(transactions);
        services.AddAzureClients(clients =>
        {
            // Every client the factory builds (ours and, where the host uses the same factory, the triggers') is counted.
            clients.ConfigureDefaults(o => o.AddPolicy(transactions.Policy, Azure.Core.HttpPipelinePosition.PerRetry));
            if (storage.ConnectionString is { } connectionString)
            {
                clients.AddBlobServiceClient(connectionString);
                clients.AddQueueServiceClient(connectionString).ConfigureOptions(UseBase64);
                clients.AddTableServiceClient(connectionString);
            }
            else
            {
                clients.AddBlobServiceClient(storage.BlobServiceUri);
                clients.AddQueueServiceClient(storage.QueueServiceUri).ConfigureOptions(UseBase64);
                clients.AddTableServiceClient(storage.TableServiceUri);
                clients.UseCredential(new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = storage.ClientId }));
            }
        });

        services.AddSingleton<RunStore>();
        services.AddSingleton<PeriodStore>();
        services.AddSingleton<EvaluationRequeue>();
        services.AddSingleton<PeriodEndpoints>();
        services.AddSingleton<PolicyStore>();
        services.AddSingleton<ExportIngestion>();
        services.AddSingleton<SdrPeriodEvaluation>();
        services.AddSingleton<PolicyDocumentIngestion>();
        services.AddSingleton<StatementStore>();
        services.AddSingleton<StatementCache>();
        services.AddSingleton<StatementEndpoints>();
        services.AddSingleton<MeetingEndpoints>();
        services.AddSingleton<LedgerReader>();
        services.AddSingleton<PolicyReports>();
        services.AddSingleton<CompareEndpoints>();
        services.AddSingleton<MeasureEndpoints>();
        services.AddSingleton<NightlyExportCheck>();
        services.AddSingleton<HealthEndpoint>();
        services.AddHostedService<StorageInitializer>();
        return services;
    }

    // The Functions and WebJobs queue triggers expect Base64 message bodies by default.
    private static void UseBase64(QueueClientOptions options) => options.MessageEncoding = QueueMessageEncoding.Base64;
}
