using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace CompFunctions.Pipeline.Http;

public enum ResponseFormat
{
    Json,
    Csv,
    Html,
}

/// <summary>
/// Content negotiation and conditional requests for the statement and report routes: <c>?format=</c> wins,
/// then the <c>Accept</c> header (<c>text/csv</c>, <c>text/html</c>), else JSON; an ETag computed
/// from the body (without the moment it was generated) answers <c>If-None-Match</c> with 304.
/// </summary>
public static class Negotiation
{
    public static bool TryChoose(HttpRequest request, out ResponseFormat format, out IResult? problem)
    {
        problem = null;
        var asked = request.Query["format"].ToString();
        if (asked.Length > 0)
        {
            format = asked.ToLowerInvariant() switch
            {
                "json" => ResponseFormat.Json,
                "csv" => ResponseFormat.Csv,
                "html" => ResponseFormat.Html,
                _ => (ResponseFormat)(-1),
            };
            if (!Enum.IsDefined(format))
            {
                problem = Problems.BadRequest("Unknown format", $"Format '{asked}' is not one of json, csv, html.");
                return false;
            }

            return true;
        }

        var accept = request.Headers.Accept.ToString();
        format = accept.Contains("text/csv", StringComparison.OrdinalIgnoreCase) ? ResponseFormat.Csv
            : accept.Contains("text/html", StringComparison.OrdinalIgnoreCase) ? ResponseFormat.Html
            : ResponseFormat.Json;
        return true;
    }

    /// <summary>
    /// The body in the chosen format with its ETag, or 304 when the client already has it.
    /// <paramref name="stableContent"/> is what the ETag covers: the body without volatile parts.
    /// </summary>
    public static IResult Respond(HttpRequest request, ResponseFormat format, string stableContent, Func<string> body, bool cacheable) =>
        Respond(request, format, ETagFor(format, stableContent), () => Encoding.UTF8.GetBytes(body()), cacheable);

    /// <summary>
    /// The body (UTF-8) under an ETag computed beforehand with <see cref="ETagFor"/>, or 304 when the
    /// client already has it. When <paramref name="gzipped"/> is given and the client accepts gzip,
    /// that body is sent instead, with <c>Content-Encoding: gzip</c> and its own ETag (the same
    /// with <c>-gzip</c>); either ETag answers <c>If-None-Match</c>, since both are the same content.
    /// </summary>
    public static IResult Respond(HttpRequest request, ResponseFormat format, string etag, Func<byte[]> body, bool cacheable, Func<byte[]>? gzipped = null)
    {
        var cacheControl = cacheable ? "private, max-age=86400" : "private, no-cache";
        var gzipTag = etag[..^1] + "-gzip\"";
        var gzip = gzipped is not null && AcceptsGzip(request);
        var tag = gzip ? gzipTag : etag;
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length > 0 && ifNoneMatch.Split(',').Select(t => t.Trim()).Any(t => t == etag || t == gzipTag || t == "*"))
        {
            return new TextResult(StatusCodes.Status304NotModified, null, null, tag, cacheControl, null);
        }

        return new TextResult(StatusCodes.Status200OK, ContentType(format), gzip ? gzipped!() : body(), tag, cacheControl, gzip ? "gzip" : null);
    }

    /// <summary>Whether the request's <c>Accept-Encoding</c> allows gzip (by name or <c>*</c>, with a non-zero quality).</summary>
    public static bool AcceptsGzip(HttpRequest request) =>
        request.GetTypedHeaders().AcceptEncoding.Any(e =>
            (e.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || e.Value.Equals("*", StringComparison.Ordinal)) && (e.Quality ?? 1) > 0);

    /// <summary>The ETag of a body in <paramref name="format"/> whose stable part is <paramref name="stableContent"/>.</summary>
    public static string ETagFor(ResponseFormat format, string stableContent) =>
        "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(format + "\n" + stableContent)).AsSpan(0, 16)) + "\"";

    /// <summary>A body in the chosen format, without an ETag: for answers to a POST, which are never cached.</summary>
    public static IResult Content(ResponseFormat format, string body) =>
        Results.Text(body, ContentType(format));

    private static string ContentType(ResponseFormat format) => format switch
    {
        ResponseFormat.Csv => "text/csv; charset=utf-8",
        ResponseFormat.Html => "text/html; charset=utf-8",
        _ => "application/json; charset=utf-8",
    };

    /// <summary>A text response with an ETag and caching headers, executable by both hosts.</summary>
    private sealed class TextResult(int status, string? contentType, byte[]? body, string etag, string cacheControl, string? contentEncoding) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.Headers.ETag = etag;
            response.Headers.CacheControl = cacheControl;
            response.Headers.Vary = "Accept, Accept-Encoding";
            if (body is not null)
            {
                response.ContentType = contentType;
                if (contentEncoding is not null)
                {
                    response.Headers.ContentEncoding = contentEncoding;
                }

                response.ContentLength = body.Length;
                await response.Body.WriteAsync(body, httpContext.RequestAborted).ConfigureAwait(false);
            }
        }
    }
}
