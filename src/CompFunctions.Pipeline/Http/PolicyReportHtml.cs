using System.Globalization;
using System.Net;
using System.Text;
using CompFunctions.Core.Comparison;

namespace CompFunctions.Pipeline.Http;

/// <summary>What one report page shows: a comparison of plans, the live policy measured per period, or both.</summary>
public sealed record PolicyReport(IReadOnlyList<string> Periods, ComparisonResult? Comparison, IReadOnlyList<PeriodMeasure> Measures, DateTimeOffset GeneratedAt);

/// <summary>
/// The policy report a finance or sales lead reads: charts first (cost against closed-won revenue
/// per policy; each budget's spend, projection and limit; the conversion funnel per qualification
/// path), then the tables behind them. Inline SVG drawn here on the server: no script, no external
/// resource, every value HTML-encoded, print-friendly.
/// </summary>
public static class PolicyReportHtml
{
    private const int ChartWidth = 760;
    private const int LabelWidth = 170;
    private const int BarArea = 430;

    private const string Style = """
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f23; margin: 2rem auto; max-width: 62rem; padding: 0 1rem; }
        header { border-bottom: 2px solid #1b1f23; padding-bottom: .6rem; margin-bottom: 1rem; }
        h1 { font-size: 1.4rem; margin: 0; } h2 { font-size: 1.1rem; margin: 1.6rem 0 .4rem; } h3 { font-size: .95rem; margin: 1rem 0 .3rem; }
        .sub, .note { color: #57606a; } .note { font-size: .8rem; margin: .2rem 0; }
        .warning { background: #fff8c5; border-left: 4px solid #9a6700; padding: .4rem .7rem; margin: .4rem 0; }
        .warning.exceeded { background: #ffebe9; border-color: #cf222e; }
        table { width: 100%; border-collapse: collapse; margin: .3rem 0 .8rem; font-size: .85rem; }
        th, td { padding: .2rem .4rem; border-bottom: 1px solid #d0d7de; text-align: left; vertical-align: top; }
        th.n, td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
        tr.total td { font-weight: 700; border-top: 2px solid #1b1f23; } td:first-child { white-space: nowrap; }
        section.changes td:nth-child(n+6) { min-width: 14rem; }
        svg { display: block; margin: .4rem 0 .8rem; max-width: 100%; height: auto; }
        svg text { font: 12px system-ui, sans-serif; fill: #1b1f23; } svg text.value { fill: #57606a; } svg text.head { font-weight: 700; }
        .bar.cost { fill: #0969da; } .bar.won { fill: #1a7f37; } .bar.spend { fill: #0969da; } .bar.projected { fill: #9ecbff; }
        .bar.stage0 { fill: #8c959f; } .bar.stage1 { fill: #0969da; } .bar.stage2 { fill: #54aeff; } .bar.stage3 { fill: #8250df; } .bar.stage4 { fill: #1a7f37; }
        .limit { stroke: #cf222e; stroke-width: 2; } .axis { stroke: #d0d7de; }
        footer { margin-top: 2rem; font-size: .75rem; color: #57606a; }
        @media print { body { margin: 0; max-width: none; } section { break-inside: avoid; } }
        """;

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Render(PolicyReport report)
    {
        var html = new StringBuilder();
        var periods = string.Join(", ", report.Periods);
        var title = report.Comparison is null ? $"What the live policy's paid meetings turned into · {periods}" : $"SDR pay policies compared · {periods}";
        html.Append(C, $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)}</title><style>{Style}</style></head>
            <body>
            <header><h1>{E(title)}</h1><div class="sub">Computed from the meetings and statements in storage; nothing in the ledger was changed to make this report.</div></header>

            """);
        if (report.Comparison is { } comparison)
        {
            Comparison(html, comparison);
        }

        foreach (var measure in report.Measures)
        {
            Measure(html, measure);
        }

        if (report.Comparison is { } detail)
        {
            Changes(html, detail);
        }

        html.Append(C, $"""
            <footer>Generated {report.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", C)} UTC. Amounts are exact sums of payout lines, each rounded once to the cent.</footer>
            </body></html>

            """);
        return html.ToString();
    }

    private static void Comparison(StringBuilder html, ComparisonResult comparison)
    {
        var policies = comparison.Policies;
        html.Append("<section class=\"comparison\"><h2>Cost against closed-won revenue, by policy</h2>\n");
        html.Append("<p class=\"note\">The same meetings priced under each policy. Closed-won revenue is what those meetings' deals brought in; the cost is what each policy would pay the SDRs for them.</p>\n");
        CostChart(html, policies);
        html.Append("""
            <table><thead><tr><th>Policy</th><th class="n">Cost</th><th class="n">Paid</th><th class="n">Qualified</th><th class="n">Per paid</th><th class="n">Per qualified</th><th class="n">Per opportunity</th><th class="n">Per pipeline $</th><th class="n">Per won $</th></tr></thead><tbody>

            """);
        foreach (var p in policies)
        {
            html.Append(C, $"""<tr><td>{E(p.Policy)}</td><td class="n">{A(p.Cost)} {E(p.Currency)}</td><td class="n">{p.MeetingsPaid} of {p.Meetings}</td><td class="n">{p.MeetingsQualified}</td><td class="n">{A(p.CostPerPaidMeeting)}</td><td class="n">{A(p.CostPerQualifiedMeeting)}</td><td class="n">{A(p.CostPerOpportunity)}</td><td class="n">{Ratio(p.CostPerPipelineDollar, 4)}</td><td class="n">{Ratio(p.CostPerClosedWonDollar, 4)}</td></tr>""");
            html.Append('\n');
        }

        html.Append("</tbody></table>\n</section>\n");
    }

    /// <summary>Every meeting a policy pays differently than the first one, with both verdicts.</summary>
    private static void Changes(StringBuilder html, ComparisonResult comparison)
    {
        var baseline = comparison.Policies.FirstOrDefault()?.Policy ?? "";
        html.Append(C, $"<section class=\"changes\"><h2>Meetings whose pay changes against {E(baseline)}</h2>\n");
        if (comparison.Changes.Count == 0)
        {
            html.Append("<p class=\"note\">None: every policy pays every meeting the same.</p>\n");
        }
        else
        {
            html.Append(C, $"""<table><thead><tr><th>Meeting</th><th>SDR</th><th>Policy</th><th class="n">{E(baseline)}</th><th class="n">Policy pays</th><th>Why, under {E(baseline)}</th><th>Why, under the policy</th></tr></thead><tbody>""");
            html.Append('\n');
            foreach (var c in comparison.Changes)
            {
                html.Append(C, $"""<tr><td>{E(c.MeetingId)}</td><td>{E(c.SdrId)}</td><td>{E(c.ToPolicy)}</td><td class="n">{A(c.FromAmount)}</td><td class="n">{A(c.ToAmount)}</td><td>{E(c.FromVerdict)}</td><td>{E(c.ToVerdict)}</td></tr>""");
                html.Append('\n');
            }

            html.Append("</tbody></table>\n");
        }

        html.Append("</section>\n");
    }

    /// <summary>Two bars per policy on one scale: its cost, and the closed-won revenue of the same meetings.</summary>
    private static void CostChart(StringBuilder html, IReadOnlyList<PolicyOutcome> policies)
    {
        const int row = 46;
        var height = 34 + policies.Count * row;
        var scale = Math.Max(1m, policies.Select(p => Math.Max(p.Cost, p.ClosedWonRevenue)).DefaultIfEmpty(0m).Max());
        html.Append(C, $"""<svg class="chart cost-vs-won" xmlns="http://www.w3.org/2000/svg" width="{ChartWidth}" height="{height}" viewBox="0 0 {ChartWidth} {height}" role="img" aria-label="Cost against closed-won revenue, by policy"><title>Cost against closed-won revenue, by policy</title>""");
        html.Append('\n');
        Legend(html, 0, ("bar cost", "cost of the policy"), ("bar won", "closed-won revenue"));
        for (var i = 0; i < policies.Count; i++)
        {
            var p = policies[i];
            var y = 30 + i * row;
            var share = p.CostPerClosedWonDollar is { } perDollar ? $" ({(perDollar * 100m).ToString("0.##", C)}% of revenue)" : "";
            html.Append(C, $"""<text class="head" x="0" y="{y + 20}">{E(Clip(p.Policy, 24))}</text>""");
            Bar(html, "bar cost", y + 4, p.Cost, scale, 16, $"{A(p.Cost)} {p.Currency}{share}");
            Bar(html, "bar won", y + 22, p.ClosedWonRevenue, scale, 16, $"{A(p.ClosedWonRevenue)} {p.Currency}");
        }

        html.Append("</svg>\n");
    }

    private static void Measure(StringBuilder html, PeriodMeasure m)
    {
        var t = m.Total;
        html.Append(C, $"""
            <section class="measure"><h2>Live policy · {E(m.Period)}: what the paid meetings turned into</h2>
            <p class="sub">As of {m.AsOf.ToString("yyyy-MM-dd", C)}: {A(m.Spend)} {E(m.Currency)} in the statements ({A(m.PaidForMeetings)} for the month's meetings, {A(m.PeriodLines)} for the month itself, {A(m.Adjustments)} adjusting earlier months).
            {t.Paid} of {t.Meetings} meetings paid; they brought {A(t.Pipeline)} {E(m.Currency)} of pipeline ({Ratio(t.PipelinePerPay)} per dollar paid) and {A(t.ClosedWonRevenue)} {E(m.Currency)} closed won ({Ratio(t.RevenuePerPay)} per dollar paid).</p>

            """);
        foreach (var check in m.Budgets.Where(b => b.IsWarning))
        {
            html.Append(C, $"<p class=\"warning {E(check.Status == BudgetCheck.Exceeded ? "exceeded" : "on-course")}\">{E(check.Summary)}</p>\n");
        }

        html.Append("<h3>Spend against budget</h3>\n");
        if (m.Budgets.Count == 0)
        {
            html.Append("<p class=\"note\">No budget is configured for this month (Compensation:Budgets).</p>\n");
        }
        else
        {
            BudgetChart(html, m.Budgets);
            html.Append("<p class=\"note\">On course to exceed = the spend so far, pro-rated over the days of the month elapsed in the company time zone (today included), is above the budget.</p>\n");
        }

        html.Append("<h3>Conversion funnel by qualification path</h3>\n");
        FunnelChart(html, m.ByPath);
        html.Append("<p class=\"note\">Bars count meetings; percentages are of the path's paid meetings. An opportunity is counted once.</p>\n");
        FunnelTable(html, "Qualification path", m.ByPath, m.Total, m.Currency);
        html.Append("<h3>By segment</h3>\n");
        FunnelTable(html, "Segment", m.BySegment, m.Total, m.Currency);
        html.Append("<h3>By SDR</h3>\n");
        FunnelTable(html, "SDR", m.BySdr, m.Total, m.Currency);
        foreach (var note in m.Notes)
        {
            html.Append(C, $"<p class=\"note\">{E(note)}</p>\n");
        }

        html.Append("</section>\n");
    }

    /// <summary>Per team: the spend so far, the projection to the month's end behind it, and the budget as a red line.</summary>
    private static void BudgetChart(StringBuilder html, IReadOnlyList<BudgetCheck> budgets)
    {
        const int row = 44;
        var height = 30 + budgets.Count * row;
        var scale = Math.Max(1m, budgets.Select(b => Math.Max(b.Budget, Math.Max(b.Spend, b.Projected ?? 0m))).Max() * 1.1m);
        html.Append(C, $"""<svg class="chart budget" xmlns="http://www.w3.org/2000/svg" width="{ChartWidth}" height="{height}" viewBox="0 0 {ChartWidth} {height}" role="img" aria-label="Spend against budget, by team"><title>Spend against budget, by team</title>""");
        html.Append('\n');
        Legend(html, 0, ("bar spend", "spent so far"), ("bar projected", "pro-rated to the month's end"));
        for (var i = 0; i < budgets.Count; i++)
        {
            var b = budgets[i];
            var y = 30 + i * row;
            html.Append(C, $"""<text class="head" x="0" y="{y + 14}">{E(Clip(b.Team, 24))}</text>""");
            if (b.Projected is { } projected && projected > b.Spend)
            {
                html.Append(C, $"""<rect class="bar projected" x="{LabelWidth}" y="{y + 2}" width="{Width(projected, scale)}" height="16"><title>{E($"projected {A(projected)} {b.Currency}")}</title></rect>""");
            }

            var x = LabelWidth + Width(b.Budget, scale);
            var projection = b.Projected is { } p && b.DaysElapsed < b.DaysInPeriod ? $", {A(p)} projected" : "";
            Bar(html, "bar spend", y + 2, b.Spend, scale, 16, $"{A(b.Spend)} spent{projection}, budget {A(b.Budget)} {b.Currency}", labelY: y + 33, labelX: LabelWidth);
            html.Append(C, $"""<line class="limit" x1="{x}" x2="{x}" y1="{y - 2}" y2="{y + 22}"><title>{E($"budget {A(b.Budget)} {b.Currency}")}</title></line>""");
            html.Append('\n');
        }

        html.Append("</svg>\n");
    }

    private static readonly string[] Stages = ["meetings set", "paid", "accepted by the AE", "opportunity", "closed won"];

    /// <summary>Per qualification path, five bars on one scale: meetings set, paid, SAO, opportunity, won.</summary>
    private static void FunnelChart(StringBuilder html, IReadOnlyList<FunnelRow> paths)
    {
        const int bar = 13;
        const int block = 22 + 5 * (bar + 3) + 8;
        var height = 6 + paths.Count * block;
        var scale = Math.Max(1, paths.Select(p => p.Meetings).DefaultIfEmpty(0).Max());
        html.Append(C, $"""<svg class="chart funnel" xmlns="http://www.w3.org/2000/svg" width="{ChartWidth}" height="{height}" viewBox="0 0 {ChartWidth} {height}" role="img" aria-label="Conversion funnel by qualification path"><title>Conversion funnel by qualification path</title>""");
        html.Append('\n');
        for (var i = 0; i < paths.Count; i++)
        {
            var p = paths[i];
            var y = 6 + i * block;
            html.Append(C, $"""<g class="path" data-path="{E(p.Key)}"><text class="head" x="0" y="{y + 12}">{E(p.Key.Replace('_', ' '))}</text><text class="value" x="{LabelWidth}" y="{y + 12}">{E($"{A(p.Cost)} paid · {Ratio(p.PipelinePerPay)} pipeline and {Ratio(p.RevenuePerPay)} closed won per dollar paid")}</text>""");
            var counts = new[] { p.Meetings, p.Paid, p.Sao, p.Opportunities, p.ClosedWon };
            for (var s = 0; s < counts.Length; s++)
            {
                var top = y + 20 + s * (bar + 3);
                var percent = s >= 2 && p.Paid > 0 ? $" ({(100m * counts[s] / p.Paid).ToString("0", C)}% of paid)" : "";
                html.Append(C, $"""<text class="value" x="{LabelWidth - 8}" y="{top + 10}" text-anchor="end">{E(Stages[s])}</text>""");
                Bar(html, $"bar stage{s}", top, counts[s], scale, bar, $"{counts[s]}{percent}");
            }

            html.Append("</g>\n");
        }

        html.Append("</svg>\n");
    }

    private static void FunnelTable(StringBuilder html, string dimension, IReadOnlyList<FunnelRow> rows, FunnelRow total, string currency)
    {
        html.Append(C, $"""<table><thead><tr><th>{E(dimension)}</th><th class="n">Meetings</th><th class="n">Paid</th><th class="n">Cost ({E(currency)})</th><th class="n">SAO</th><th class="n">Opp.</th><th class="n">Won</th><th class="n">Pipeline</th><th class="n">Revenue</th><th class="n">Pipeline per $</th><th class="n">Won per $</th></tr></thead><tbody>""");
        html.Append('\n');
        foreach (var r in rows.Append(total))
        {
            html.Append(C, $"""<tr{(ReferenceEquals(r, total) ? " class=\"total\"" : "")}><td>{E(ReferenceEquals(r, total) ? "All" : r.Key)}</td><td class="n">{r.Meetings}</td><td class="n">{r.Paid}</td><td class="n">{A(r.Cost)}</td><td class="n">{r.Sao} {Percent(r.SaoRate)}</td><td class="n">{r.Opportunities} {Percent(r.OpportunityRate)}</td><td class="n">{r.ClosedWon} {Percent(r.ClosedWonRate)}</td><td class="n">{A(r.Pipeline)}</td><td class="n">{A(r.ClosedWonRevenue)}</td><td class="n">{Ratio(r.PipelinePerPay)}</td><td class="n">{Ratio(r.RevenuePerPay)}</td></tr>""");
            html.Append('\n');
        }

        html.Append("</tbody></table>\n");
    }

    private static void Legend(StringBuilder html, int y, params (string Class, string Text)[] items)
    {
        var x = LabelWidth;
        foreach (var (cls, text) in items)
        {
            html.Append(C, $"""<rect class="{cls}" x="{x}" y="{y + 4}" width="12" height="12"/><text x="{x + 17}" y="{y + 14}">{E(text)}</text>""");
            x += 30 + text.Length * 7;
        }

        html.Append('\n');
    }

    /// <summary>A bar from the label column, with its value as a tooltip and as text after it (or where <paramref name="labelX"/>, <paramref name="labelY"/> say).</summary>
    private static void Bar(StringBuilder html, string cls, int y, decimal value, decimal scale, int height, string label, int? labelX = null, int? labelY = null)
    {
        var width = Width(value, scale);
        html.Append(C, $"""<rect class="{cls}" x="{LabelWidth}" y="{y}" width="{width}" height="{height}"><title>{E(label)}</title></rect><text class="value" x="{labelX ?? LabelWidth + width + 6}" y="{labelY ?? y + height - 3}">{E(label)}</text>""");
        html.Append('\n');
    }

    /// <summary>Bar width in pixels; a value above zero is never drawn thinner than 2 px, so it shows.</summary>
    private static int Width(decimal value, decimal scale) =>
        value <= 0 ? 0 : Math.Max(2, (int)Math.Round(value / scale * BarArea, MidpointRounding.AwayFromZero));

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    private static string A(decimal? amount) => amount is { } a ? a.ToString("N2", C) : "—";

    private static string Ratio(decimal? ratio, int digits = 2) => ratio is { } r ? r.ToString("N" + digits.ToString(C), C) : "—";

    private static string Percent(decimal? rate) => rate is { } r ? "(" + (r * 100m).ToString("0", C) + "%)" : "";

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
