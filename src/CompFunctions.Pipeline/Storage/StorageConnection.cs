using Microsoft.Extensions.Configuration;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Reads the data storage connection (<see cref="Bindings.StorageConnection"/>) the way the Functions
/// host reads it for the triggers: either a connection string (locally <c>UseDevelopmentStorage=true</c>)
/// or, in the cloud, a section with <c>blobServiceUri</c> (or its alias <c>serviceUri</c>),
/// <c>queueServiceUri</c>, <c>tableServiceUri</c> (or just <c>accountName</c>) and, for a
/// user-assigned managed identity, <c>clientId</c>. (<c>credential</c> is for the host; the app's
/// clients use the managed identity whenever there is no connection string.)
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
        Uri Endpoint(string service, params string[] keys) =>
            keys.Select(key => section[key]).FirstOrDefault(uri => !string.IsNullOrWhiteSpace(uri)) is { } uri ? new Uri(uri)
            : account is { Length: > 0 } ? new Uri($"https://{account}.{service}.core.windows.net")
            : throw new InvalidOperationException(
                $"Storage is not configured: set {Bindings.StorageConnection} to a connection string (locally UseDevelopmentStorage=true), " +
                $"or {Bindings.StorageConnection}__accountName (or __blobServiceUri, __queueServiceUri and __tableServiceUri) for a managed identity.");

        // The host accepts serviceUri for the blob endpoint (blob triggers); so does the app.
        return new StorageConnection(null, Endpoint("blob", "blobServiceUri", "serviceUri"), Endpoint("queue", "queueServiceUri"), Endpoint("table", "tableServiceUri"), section["clientId"]);
    }
}
