using Microsoft.Extensions.Configuration;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Reads the storage connection the way the Functions host does: <c>AzureWebJobsStorage</c> is
/// either a connection string (locally <c>UseDevelopmentStorage=true</c>) or, in the cloud, a
/// section with <c>blobServiceUri</c>/<c>queueServiceUri</c>/<c>tableServiceUri</c> (or just
/// <c>accountName</c>) and optionally <c>clientId</c>, for a managed identity.
/// </summary>
public sealed record StorageConnection(string? ConnectionString, Uri BlobServiceUri, Uri QueueServiceUri, Uri TableServiceUri, string? ClientId)
{
    public static StorageConnection From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Bindings.StorageConnection);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            var placeholder = new Uri("http://127.0.0.1/");
            return new StorageConnection(section.Value, placeholder, placeholder, placeholder, null);
        }

        var account = section["accountName"];
        Uri Endpoint(string key, string service) =>
            section[key] is { Length: > 0 } uri ? new Uri(uri)
            : account is { Length: > 0 } ? new Uri($"https://{account}.{service}.core.windows.net")
            : throw new InvalidOperationException(
                $"Storage is not configured: set {Bindings.StorageConnection} to a connection string (locally UseDevelopmentStorage=true), " +
                $"or {Bindings.StorageConnection}__accountName (or __blobServiceUri, __queueServiceUri and __tableServiceUri) for a managed identity.");

        return new StorageConnection(null, Endpoint("blobServiceUri", "blob"), Endpoint("queueServiceUri", "queue"), Endpoint("tableServiceUri", "table"), section["clientId"]);
    }
}
