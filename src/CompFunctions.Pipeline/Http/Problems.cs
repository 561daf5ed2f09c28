using Microsoft.AspNetCore.Http;

namespace CompFunctions.Pipeline.Http;

/// <summary>The one place HTTP errors are made: RFC 7807 problem details (<c>application/problem+json</c>).</summary>
public static class Problems
{
    public static IResult BadRequest(string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status400BadRequest, type: "https://httpstatuses.io/400");

    public static IResult MalformedPeriod(string period) =>
        BadRequest("Malformed period", $"Period '{period}' is not a month in the form YYYY-MM (e.g. 2026-11).");

    public static IResult Unauthorized(string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status401Unauthorized, type: "https://httpstatuses.io/401");

    public static IResult NotFound(string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status404NotFound, type: "https://httpstatuses.io/404");

    public static IResult Forbidden(string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status403Forbidden, type: "https://httpstatuses.io/403");

    public static IResult Conflict(string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status409Conflict, type: "https://httpstatuses.io/409");

    public static IResult Unavailable(string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable, type: "https://httpstatuses.io/503");
}
