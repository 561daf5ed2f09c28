using System.Security.Cryptography;
using System.Text;
using Azure;

namespace CompFunctions.Pipeline;

/// <summary>Run ids for blob-triggered work: the same blob version always gets the same id, a new upload a new one.</summary>
public static class RunIds
{
    public static string Of(string blobName, ETag etag)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(blobName + "\n" + etag));
        return Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }
}
