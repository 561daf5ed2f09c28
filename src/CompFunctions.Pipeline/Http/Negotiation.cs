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
    public static IResult Respond(HttpRequest request, ResponseFormat format, string stableContent, Func<string> body, bool cacheable)
    {
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(format + "\n" + stableContent)).AsSpan(0, 16)) + "\"";
        var cacheControl = cacheable ? "private, max-age=86400" : "private, no-cache";
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length > 0 && ifNoneMatch.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*"))
        {
            return new TextResult(StatusCodes.Status304NotModified, null, null, etag, cacheControl);
        }

        return new TextResult(StatusCodes.Status200OK, ContentType(format), body(), etag, cacheControl);
    }

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
    private sealed class TextResult(int status, string? contentType, string? body, string etag, string cacheControl) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.Headers.ETag = etag;
            response.Headers.CacheControl = cacheControl;
            response.Headers.Vary = "Accept";
            if (body is not null)
            {
                response.ContentType = contentType;
                await response.WriteAsync(body, Encoding.UTF8, httpContext.RequestAborted).ConfigureAwait(false);
            }
        }
    }
}
