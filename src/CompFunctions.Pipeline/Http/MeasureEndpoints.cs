using System.Text.Json;
using CompFunctions.Core.Comparison;
using CompFunctions.Core.Periods;
using CompFunctions.Pipeline.Reports;
using Microsoft.AspNetCore.Http;

namespace CompFunctions.Pipeline.Http;

/// <summary>
/// <c>GET /api/measure/{period}</c>: what the live policy's paid meetings of a month turned into,
/// split by qualification path, segment and SDR, and each team's spend against its budget. Read
/// only. JSON, or with <c>?format=</c>/<c>Accept</c> the funnel rows as CSV or the HTML report.
/// </summary>
public sealed class MeasureEndpoints(PolicyReports reports, TimeProvider clock)
{
    private static readonly string[] Columns =
    [
        "period", "dimension", "key", "meetings", "paid", "sao", "opportunities", "closed_won", "cost", "currency", "pipeline", "closed_won_revenue",
        "sao_rate", "opportunity_rate", "closed_won_rate", "pipeline_per_pay", "revenue_per_pay",
    ];

    public async Task<IResult> GetAsync(HttpRequest request, string period, CancellationToken cancellationToken)
    {
        if (!CompPeriod.TryParse(period, out var compPeriod))
        {
            return Problems.MalformedPeriod(period);
        }

        if (!Negotiation.TryChoose(request, out var format, out var problem))
        {
            return problem!;
        }

        var measure = await reports.MeasureAsync(compPeriod, cancellationToken).ConfigureAwait(false);
        return Negotiation.Respond(request, format, JsonSerializer.Serialize(measure, StatementDocument.Json), () => format switch
        {
            ResponseFormat.Csv => CsvOutput.Write(Columns, Rows(measure)),
            ResponseFormat.Html => PolicyReportHtml.Render(new PolicyReport([measure.Period], null, [measure], clock.GetUtcNow())),
            _ => JsonSerializer.Serialize(measure, StatementDocument.Json),
        }, cacheable: false);
    }

    private static IEnumerable<object?[]> Rows(PeriodMeasure m) =>
        new[] { ("total", (IReadOnlyList<FunnelRow>)[m.Total]), ("path", m.ByPath), ("segment", m.BySegment), ("sdr", m.BySdr) }
            .SelectMany(d => d.Item2.Select(r => new object?[]
            {
                m.Period, d.Item1, r.Key, r.Meetings, r.Paid, r.Sao, r.Opportunities, r.ClosedWon, r.Cost, m.Currency, r.Pipeline, r.ClosedWonRevenue,
                r.SaoRate, r.OpportunityRate, r.ClosedWonRate, r.PipelinePerPay, r.RevenuePerPay,
            }));
}
