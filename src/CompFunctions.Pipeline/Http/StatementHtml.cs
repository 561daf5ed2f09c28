using System.Globalization;
using System.Net;
using System.Text;

namespace CompFunctions.Pipeline.Http;

/// <summary>
/// The printable statement page a rep reads: who, which month, status and net at the top; then
/// every meeting with its verdict in words and its lines with their reasons; totals that match.
/// Plain HTML and CSS (no script), every value HTML-encoded, print-friendly.
/// </summary>
public static class StatementHtml
{
    private const string Style = """
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f23; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
        header { display: flex; justify-content: space-between; align-items: flex-end; border-bottom: 2px solid #1b1f23; padding-bottom: .75rem; }
        h1 { font-size: 1.4rem; margin: 0; } .sub { color: #57606a; }
        .net { font-size: 1.8rem; font-weight: 700; text-align: right; } .net small { display: block; font-size: .8rem; font-weight: 400; color: #57606a; }
        .status { display: inline-block; padding: .05rem .5rem; border-radius: 1rem; background: #ddf4ff; font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; }
        .status.locked { background: #eaeef2; }
        section.meeting { border-bottom: 1px solid #d0d7de; padding: .75rem 0; break-inside: avoid; }
        .meeting h2 { font-size: 1rem; margin: 0; display: flex; justify-content: space-between; }
        .verdict { margin: .2rem 0 .4rem; } .verdict.yes { color: #1a7f37; } .verdict.no { color: #9a6700; } .verdict.dq { color: #cf222e; }
        table { width: 100%; border-collapse: collapse; } td { padding: .15rem .4rem; vertical-align: top; }
        td.amount { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; width: 8rem; }
        td.component { white-space: nowrap; width: 10rem; color: #57606a; } td.reason { color: #1b1f23; }
        tr.zero td.amount { color: #8c959f; }
        .src { font-size: .75rem; color: #8c959f; }
        table.totals { margin-top: 1rem; width: auto; margin-left: auto; } table.totals td { padding: .1rem .6rem; } table.totals tr.net td { font-weight: 700; border-top: 2px solid #1b1f23; }
        footer { margin-top: 2rem; font-size: .75rem; color: #57606a; }
        @media print { body { margin: 0; max-width: none; } .status { border: 1px solid #8c959f; } a { color: inherit; text-decoration: none; } }
        """;

    public static string Render(StatementDocument s)
    {
        var html = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        string E(string? text) => WebUtility.HtmlEncode(text ?? "");
        string Amount(decimal amount) => amount.ToString("N2", c);

        html.Append(c, $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Payout statement {E(s.SdrId)} {E(s.Period)}</title><style>{Style}</style></head>
            <body>
            <header><div><h1>Payout statement · {E(s.SdrId)}</h1>
            <div class="sub">Period {E(s.Period)} · <span class="status {E(s.Status)}">{E(s.Status)}</span> · amounts in {E(s.Currency)}</div></div>
            <div class="net">{Amount(s.Totals.Net)} {E(s.Currency)}<small>net for the period</small></div></header>
            """);

        foreach (var meeting in s.Lines.GroupBy(l => l.MeetingId))
        {
            var first = meeting.First();
            var q = first.Qualification;
            var cls = q.DisqualifiedBy is not null ? "dq" : q.Qualified ? "yes" : "no";
            var subtotal = meeting.Sum(l => l.Amount);
            var account = first.Account is null ? "" : " · " + E(first.Account);
            var booked = first.BookedOn is { } day ? " · booked " + day.ToString("yyyy-MM-dd", c) : "";
            html.Append(c, $"""
                <section class="meeting"><h2><span>{E(meeting.Key)}{account}{booked}</span><span>{Amount(subtotal)}</span></h2>
                <p class="verdict {cls}">{E(Capitalize(q.Explanation ?? (q.Qualified ? "qualified" : "not qualified")))}</p>
                <table>
                """);
            foreach (var line in meeting)
            {
                html.Append(c, $"""<tr class="{(line.Amount == 0 ? "zero" : "paid")}"><td class="component">{E(line.Component.Replace('_', ' '))}</td><td class="reason">{E(line.Reason)}</td><td class="amount">{Amount(line.Amount)}</td></tr>""");
                html.Append('\n');
            }

            html.Append(c, $"""
                </table>
                <div class="src">Plan {E(first.Plan.Id)} v{first.Plan.Version} · ruleset {E(first.Ruleset.Id)} v{first.Ruleset.Version} · export {E(first.Source.Export)}, line {first.Source.Line}</div></section>
                """);
        }

        html.Append(c, $"""
            <table class="totals">
            <tr><td>Earnings</td><td class="amount">{Amount(s.Totals.Earnings)}</td></tr>
            <tr><td>Clawbacks</td><td class="amount">{Amount(s.Totals.Clawbacks)}</td></tr>
            <tr><td>Adjustments</td><td class="amount">{Amount(s.Totals.Adjustments)}</td></tr>
            <tr class="net"><td>Net</td><td class="amount">{Amount(s.Totals.Net)} {E(s.Currency)}</td></tr>
            </table>
            <footer>Generated {s.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", c)} UTC. Every line is one plan component applied to one meeting; the lines add up to the totals.</footer>
            </body></html>
            """);
        return html.ToString();
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
