using CompFunctions.Pipeline;
using CompFunctions.Pipeline.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace CompFunctions.Functions;

/// <summary>The HTTP routes finance calls (function key), and the anonymous health probe.</summary>
public sealed class HttpFunctions(StatementEndpoints statements, MeetingEndpoints meetings, PeriodEndpoints periods, CompareEndpoints compare, MeasureEndpoints measure, HealthEndpoint health)
{
    [Function(Bindings.Functions.GetStatement)]
    public Task<IResult> GetStatement(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Bindings.StatementRoute)] HttpRequest request,
        string period,
        string sdrId) =>
        statements.GetStatementAsync(request, period, sdrId, request.HttpContext.RequestAborted);

    [Function(Bindings.Functions.GetPayrollSummary)]
    public Task<IResult> GetPayrollSummary(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Bindings.SummaryRoute)] HttpRequest request,
        string period) =>
        statements.GetSummaryAsync(request, period, request.HttpContext.RequestAborted);

    [Function(Bindings.Functions.GetMeeting)]
    public Task<IResult> GetMeeting(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Bindings.MeetingRoute)] HttpRequest request,
        string meetingId) =>
        meetings.GetMeetingAsync(meetingId, request.HttpContext.RequestAborted);

    [Function(Bindings.Functions.LockPeriod)]
    public Task<IResult> LockPeriod(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = Bindings.LockRoute)] HttpRequest request,
        string period) =>
        periods.LockAsync(period, request.HttpContext.RequestAborted);

    [Function(Bindings.Functions.ReplayPeriod)]
    public Task<IResult> ReplayPeriod(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = Bindings.ReplayRoute)] HttpRequest request,
        string period) =>
        periods.ReplayAsync(period, request.HttpContext.RequestAborted);

    [Function(Bindings.Functions.ComparePolicies)]
    public Task<IResult> ComparePolicies(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Bindings.CompareRoute)] HttpRequest request) =>
        compare.CompareAsync(request, request.HttpContext.RequestAborted);

    [Function(Bindings.Functions.MeasurePolicy)]
    public Task<IResult> MeasurePolicy(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Bindings.MeasureRoute)] HttpRequest request,
        string period) =>
        measure.GetAsync(request, period, request.HttpContext.RequestAborted);

    [Function(Bindings.Functions.Health)]
    public Task<IResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Bindings.HealthRoute)] HttpRequest request) =>
        health.GetAsync(request.HttpContext.RequestAborted);
}
