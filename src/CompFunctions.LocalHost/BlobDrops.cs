using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace CompFunctions.LocalHost;

/// <summary>
/// Uploads blobs that a blob trigger must see. Azurite's blob scan (like the WebJobs polling scan
/// against it) remembers the newest last-modified second it has seen per container and can miss a
/// blob written in that same second, so each drop into a container waits for the clock to leave the
/// second of the previous drop into it. A wait on a condition, not a fixed sleep.
/// </summary>
public static class BlobDrops
{
    private static readonly ConcurrentDictionary<string, DateTimeOffset> LastDrop = new(StringComparer.Ordinal);
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static Task<BlobContentInfo> DropAsync(BlobContainerClient container, string name, BinaryData content) =>
        DropAsync(container, name, blob => blob.UploadAsync(content, overwrite: true));

    /// <summary>Uploads from a stream (a large export is never held in memory).</summary>
    public static Task<BlobContentInfo> DropAsync(BlobContainerClient container, string name, Stream content) =>
        DropAsync(container, name, blob => blob.UploadAsync(content, overwrite: true));

    private static async Task<BlobContentInfo> DropAsync(BlobContainerClient container, string name, Func<BlobClient, Task<Response<BlobContentInfo>>> upload)
    {
        await Gate.WaitAsync();
        try
        {
            var key = container.Uri.ToString();
            if (LastDrop.TryGetValue(key, out var last))
            {
                while (DateTimeOffset.UtcNow.ToUnixTimeSeconds() <= last.ToUnixTimeSeconds())
                {
                    await Task.Delay(50);
                }
            }

            var uploaded = await upload(container.GetBlobClient(name));
            LastDrop[key] = uploaded.Value.LastModified;
            return uploaded.Value;
        }
        finally
        {
            Gate.Release();
        }
    }
}
