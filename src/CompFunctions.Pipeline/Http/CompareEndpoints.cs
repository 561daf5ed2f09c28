using System.Text.Json;
using CompFunctions.Core.Comparison;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Pipeline.Reports;
using Microsoft.AspNetCore.Http;

namespace CompFunctions.Pipeline.Http;

/// <summary>The body of <c>POST /api/compare</c>: which months, which accepted plans (each with the ruleset it names).</summary>
public sealed record CompareRequest(IReadOnlyList<string>? Periods, IReadOnlyList<string>? Plans);

/// <summary>
/// <c>POST /api/compare</c>: what several plans would have paid for the same meetings, side by side,
/// computed in memory from the meetings in storage. Nothing is written: the ledger and statements
/// are untouched. JSON, or with <c>?format=</c>/<c>Accept</c> one CSV row per plan or the HTML report.
/// </summary>
public sealed class CompareEndpoints(PolicyReports reports, TimeProvider clock)
{
    private const int MaxPeriods = 12;
    private const int MaxPlans = 10;

    private static readonly string[] Columns =
    [
        "policy", "currency", "cost", "meetings", "meetings_paid", "meetings_qualified", "opportunities", "pipeline", "closed_won_revenue",
        "cost_per_paid_meeting", "cost_per_qualified_meeting", "cost_per_opportunity", "cost_per_pipeline_dollar", "cost_per_closed_won_dollar",
    ];

    public async Task<IResult> CompareAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!Negotiation.TryChoose(request, out var format, out var problem))
        {
            return problem!;
        }

        CompareRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<CompareRequest>(request.Body, StatementDocument.Json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return Problems.BadRequest("Malformed comparison", $"The body is not JSON of the form {{\"periods\": [\"2026-11\"], \"plans\": [\"sdr-2026\", \"pay-per-sao\"]}}: {ex.Message}");
        }

        var periods = body?.Periods ?? [];
        var plans = body?.Plans ?? [];
        if (periods.Count is 0 or > MaxPeriods || plans.Count is 0 or > MaxPlans)
        {
            return Problems.BadRequest("Malformed comparison", $"Give 1–{MaxPeriods} periods and 1–{MaxPlans} plan ids, e.g. {{\"periods\": [\"2026-11\"], \"plans\": [\"sdr-2026\", \"pay-per-sao\"]}}.");
        }

        var badPeriod = periods.FirstOrDefault(p => !CompPeriod.TryParse(p, out _));
        if (badPeriod is not null)
        {
            return Problems.MalformedPeriod(badPeriod);
        }

        var badPlan = plans.FirstOrDefault(p => !Identifier.IsValid(p));
        if (badPlan is not null)
        {
            return Problems.BadRequest("Malformed plan id", $"Plan id '{badPlan}' {Identifier.Describe(badPlan)}.");
        }

        var compared = periods.Select(CompPeriod.Parse).Distinct().Order().ToArray();
        var (result, unknown) = await reports.CompareAsync(compared, plans, cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return Problems.NotFound("Unknown plan", $"No version of plan '{unknown}' has been accepted; drop it into {Bindings.ConfigContainer}/plans/ first.");
        }

        return format switch
        {
            ResponseFormat.Csv => Negotiation.Content(format, CsvOutput.Write(Columns, result.Policies.Select(Row))),
            ResponseFormat.Html => Negotiation.Content(format, PolicyReportHtml.Render(new PolicyReport(compared.Select(p => p.ToString()).ToArray(), result, [], clock.GetUtcNow()))),
            _ => Results.Json(result, StatementDocument.Json),
        };
    }

    private static object?[] Row(PolicyOutcome p) =>
    [
        p.Policy, p.Currency, p.Cost, p.Meetings, p.MeetingsPaid, p.MeetingsQualified, p.Opportunities, p.Pipeline, p.ClosedWonRevenue,
        p.CostPerPaidMeeting, p.CostPerQualifiedMeeting, p.CostPerOpportunity, p.CostPerPipelineDollar, p.CostPerClosedWonDollar,
    ];
}
