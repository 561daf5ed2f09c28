using System.Globalization;
using System.Net;
using System.Text;

namespace CompFunctions.Pipeline.Http;

/// <summary>The payroll summary as a plain printable table: one row per SDR, totals per currency.</summary>
public static class SummaryHtml
{
    public static string Render(PayrollSummaryDocument summary)
    {
        var c = CultureInfo.InvariantCulture;
        string E(string? text) => WebUtility.HtmlEncode(text ?? "");
        string A(decimal amount) => amount.ToString("N2", c);
        var html = new StringBuilder();
        html.Append(c, $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Payroll summary {{E(summary.Period)}}</title>
            <style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}table{border-collapse:collapse;width:100%}th,td{padding:.2rem .5rem;border-bottom:1px solid #d0d7de;text-align:left}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tfoot td{font-weight:700;border-top:2px solid #1b1f23}</style></head>
            <body><h1>Payroll summary · {{E(summary.Period)}}</h1>
            <table><thead><tr><th>SDR</th><th>Status</th><th class="n">Lines</th><th class="n">Earnings</th><th class="n">Clawbacks</th><th class="n">Adjustments</th><th class="n">Net</th><th>Currency</th></tr></thead><tbody>
            """);
        foreach (var r in summary.Sdrs)
        {
            html.Append(c, $"<tr><td>{E(r.SdrId)}</td><td>{E(r.Status)}</td><td class=\"n\">{r.Lines}</td><td class=\"n\">{A(r.Earnings)}</td><td class=\"n\">{A(r.Clawbacks)}</td><td class=\"n\">{A(r.Adjustments)}</td><td class=\"n\">{A(r.Net)}</td><td>{E(r.Currency)}</td></tr>\n");
        }

        html.Append("</tbody><tfoot>");
        foreach (var t in summary.Totals)
        {
            html.Append(c, $"<tr><td>Total ({t.Sdrs} SDRs)</td><td></td><td></td><td class=\"n\">{A(t.Earnings)}</td><td class=\"n\">{A(t.Clawbacks)}</td><td class=\"n\">{A(t.Adjustments)}</td><td class=\"n\">{A(t.Net)}</td><td>{E(t.Currency)}</td></tr>\n");
        }

        html.Append("</tfoot></table></body></html>\n");
        return html.ToString();
    }
}
