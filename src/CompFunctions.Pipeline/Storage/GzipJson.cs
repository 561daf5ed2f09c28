using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure.Data.Tables;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// A JSON value kept gzipped in one table row, cut into binary properties <c>Data0</c>,
/// <c>Data1</c>… (Azure caps a binary property at 64 KiB and a row at 1 MiB: 15 chunks leave room
/// for the row's other properties). Tens of thousands of meetings or statement lines fit.
/// </summary>
public static class GzipJson
{
    private const string Prefix = "Data";
    private const int ChunkBytes = 64 * 1024;
    private const int MaxChunks = 15;

    /// <summary>Writes <paramref name="value"/> into <paramref name="row"/>; <paramref name="what"/> names it if it does not fit.</summary>
    public static void Set<T>(TableEntity row, T value, JsonTypeInfo<T> type, string what) =>
        SetUtf8(row, JsonSerializer.SerializeToUtf8Bytes(value, type), what);

    /// <summary>Writes JSON already serialized to UTF-8.</summary>
    public static void SetUtf8(TableEntity row, ReadOnlySpan<byte> json, string what)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json);
        }

        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var chunks = (bytes.Length + ChunkBytes - 1) / ChunkBytes;
        if (chunks > MaxChunks)
        {
            throw new InvalidOperationException($"{what} takes {bytes.Length:N0} bytes compressed; one table row holds at most {MaxChunks * ChunkBytes:N0}.");
        }

        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var start = chunk * ChunkBytes;
            row[Prefix + chunk] = bytes.Slice(start, Math.Min(ChunkBytes, bytes.Length - start)).ToArray();
        }
    }

    /// <summary>The value kept in <paramref name="row"/>, or null when it holds none.</summary>
    public static T? Get<T>(TableEntity row, JsonTypeInfo<T> type)
    {
        using var compressed = new MemoryStream();
        for (var chunk = 0; row.GetBinary(Prefix + chunk) is { } part; chunk++)
        {
            compressed.Write(part);
        }

        if (compressed.Length == 0)
        {
            return default;
        }

        compressed.Position = 0;
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        return JsonSerializer.Deserialize(gzip, type);
    }

    /// <summary>The properties the value occupies, for reads that do not want it.</summary>
    public static bool IsChunk(string property) => property.StartsWith(Prefix, StringComparison.Ordinal);
}
