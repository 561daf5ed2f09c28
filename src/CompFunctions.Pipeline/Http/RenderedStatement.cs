using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace CompFunctions.Pipeline.Http;

/// <summary>
/// One statement ready to serve: its ETag in every format (computed once, from the body without
/// the moment it was generated) and each format's body, rendered the first time it is asked for
/// and kept as UTF-8 bytes, and gzipped the first time a client that accepts gzip asks (a
/// statement's JSON shrinks about tenfold).
/// </summary>
public sealed class RenderedStatement
{
    private readonly string[] _etags;
    private readonly Lazy<byte[]>[] _bodies;
    private readonly Lazy<byte[]>[] _gzipped;

    public RenderedStatement(StatementDocument document, Func<StatementDocument, ResponseFormat, string> render)
    {
        Document = document;
        var stable = JsonSerializer.Serialize(document with { GeneratedAt = default }, StatementDocument.Json);
        var formats = Enum.GetValues<ResponseFormat>();
        _etags = formats.Select(f => Negotiation.ETagFor(f, stable)).ToArray();
        _bodies = formats.Select(f => new Lazy<byte[]>(() => Encoding.UTF8.GetBytes(render(document, f)))).ToArray();
        _gzipped = formats.Select(f => new Lazy<byte[]>(() => Gzip(Body(f)))).ToArray();
    }

    public StatementDocument Document { get; }

    public string ETag(ResponseFormat format) => _etags[(int)format];

    public byte[] Body(ResponseFormat format) => _bodies[(int)format].Value;

    public byte[] Gzipped(ResponseFormat format) => _gzipped[(int)format].Value;

    private static byte[] Gzip(byte[] body)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return compressed.ToArray();
    }
}
