using System.Globalization;
using System.Text;
using CompFunctions.Core.Export;
using Sylvan.Data.Csv;

namespace CompFunctions.LocalHost;

/// <summary>What a generated export looks like: its size, the team, the look-back window and the seed that makes it repeatable.</summary>
public sealed record GeneratorOptions
{
    public int Rows { get; init; } = 100_000;
    public int Sdrs { get; init; } = 500;
    public int Days { get; init; } = 90;

    /// <summary>The night the export is taken: no meeting is booked after it, no CRM change is later.</summary>
    public DateOnly AsOf { get; init; } = new(2026, 11, 26);
    public int Seed { get; init; } = 1;
}

/// <summary>
/// Writes realistic CRM exports for load tests and benchmarks: a team of SDRs (20 per AE) booking
/// meetings over a look-back window with the status, acceptance and stage mix of a real team
/// (most meetings held, about one in eight a no-show, most held ones accepted, about half of
/// those with an opportunity that moves through the stages). The same options always give the
/// same bytes: every row is drawn from its own seeded generator, so row <c>i</c> does not depend
/// on how many rows come before it. "The next night" is derived from a previous file by changing
/// a chosen share of its rows the way a CRM does overnight.
/// </summary>
public static class ExportGenerator
{
    public static readonly string Header = string.Join(',', ExportColumns.Required.Concat(ExportColumns.Optional));

    private static readonly string[] Titles = ["VP Sales", "Head of Revenue Operations", "Director of Sales", "CFO", "Office Manager", "Sales Manager", "Chief Revenue Officer", "IT Director"];
    private static readonly string[] Industries = ["Software", "Fintech", "Healthcare", "Manufacturing", "Retail", "Hospitality", "Logistics", "Education"];
    private static readonly string[] Segments = ["SMB", "MM", "ENT"];
    private static readonly string[] OpenStages = ["Discovery", "Demo", "Proposal", "Negotiation"];
    private static readonly TimeSpan Offset = TimeSpan.FromHours(-8);

    public static async Task WriteAsync(TextWriter output, GeneratorOptions options)
    {
        await output.WriteLineAsync(Header).ConfigureAwait(false);
        var line = new StringBuilder(512);
        for (var i = 0; i < options.Rows; i++)
        {
            line.Clear();
            Append(line, Row(i, options));
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Copies <paramref name="previous"/> to <paramref name="output"/>, changing about
    /// <paramref name="changedShare"/> of its rows (chosen by <paramref name="seed"/>) as the CRM
    /// would overnight: a scheduled meeting is held, a pending one decided, an open opportunity
    /// moves one stage on. Changed rows get a <c>last_modified_at</c> on the night after
    /// <paramref name="asOf"/>. Returns how many rows were changed.
    /// </summary>
    public static async Task<int> NextNightAsync(TextReader previous, TextWriter output, double changedShare, int seed, DateOnly asOf)
    {
        await using var csv = await CsvDataReader.CreateAsync(previous, new CsvDataReaderOptions { HasHeaders = true }).ConfigureAwait(false);
        var columns = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToArray();
        if (!string.Equals(string.Join(',', columns), Header, StringComparison.Ordinal))
        {
            throw new InvalidDataException("The previous export was not written by this generator: its header differs.");
        }

        var at = columns.Select((name, k) => (name, k)).ToDictionary(p => p.name, p => p.k, StringComparer.Ordinal);
        var night = new DateTimeOffset(asOf.AddDays(1).ToDateTime(new TimeOnly(2, 0)), Offset);
        await output.WriteLineAsync(Header).ConfigureAwait(false);
        var fields = new string[columns.Length];
        var line = new StringBuilder(512);
        var changed = 0;
        for (var i = 0; await csv.ReadAsync().ConfigureAwait(false); i++)
        {
            for (var k = 0; k < fields.Length; k++)
            {
                fields[k] = csv.GetString(k);
            }

            var random = new Random(Mix(seed, i, 7919));
            if (random.NextDouble() < changedShare)
            {
                Change(fields, at, night, random);
                changed++;
            }

            line.Clear();
            Append(line, fields);
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        return changed;
    }

    private static void Change(string[] f, Dictionary<string, int> at, DateTimeOffset night, Random random)
    {
        string Get(string column) => f[at[column]];
        void Set(string column, string value) => f[at[column]] = value;

        if (Get("meeting_status") == "scheduled")
        {
            Set("meeting_status", random.NextDouble() < 0.8 ? "held" : "no_show");
        }
        else if (Get("ae_decision") == "pending")
        {
            Set("ae_decision", random.NextDouble() < 0.8 ? "accepted" : "rejected");
            Set("ae_decision_at", Text(night));
        }
        else if (Array.IndexOf(OpenStages, Get("opportunity_stage")) is var stage and >= 0)
        {
            var next = stage + 1 < OpenStages.Length ? OpenStages[stage + 1] : random.NextDouble() < 0.5 ? "Closed Won" : "Closed Lost";
            Set("opportunity_stage", next);
            Set("highest_stage", Get("opportunity_stage"));
            if (next.StartsWith("Closed", StringComparison.Ordinal))
            {
                Set("closed_at", Text(night));
                Set("close_reason", next == "Closed Lost" ? "Price" : "");
            }
        }
        else
        {
            // Nothing left to progress: the CRM user edits the contact instead.
            Set("contact_title", Titles[random.Next(Titles.Length)]);
        }

        Set("last_modified_at", Text(night));
    }

    private static string[] Row(int i, GeneratorOptions o)
    {
        var random = new Random(Mix(o.Seed, i, 0));
        var sdr = random.Next(o.Sdrs);
        var asOf = new DateTimeOffset(o.AsOf.ToDateTime(new TimeOnly(23, 0)), Offset);
        var booked = asOf.AddDays(-random.Next(o.Days)).AddMinutes(-random.Next(12 * 60));
        var scheduled = booked.AddDays(1 + random.Next(14)).Date.AddHours(9 + random.Next(8));
        var scheduledFor = new DateTimeOffset(scheduled, Offset);
        var status = scheduledFor > asOf ? "scheduled" : Pick(random, ("held", 70), ("no_show", 12), ("cancelled", 10), ("rescheduled", 8));
        var decision = status == "held" ? Pick(random, ("accepted", 70), ("rejected", 15), ("pending", 15)) : "pending";
        var decidedAt = decision == "pending" ? (DateTimeOffset?)null : scheduledFor.AddHours(2);
        var exception = random.Next(100) < 3;

        string? opportunity = null, stage = null, highest = null, amount = null, createdAt = null, closedAt = null, closeReason = null;
        var modified = decidedAt ?? (status == "scheduled" ? booked : scheduledFor.AddHours(1));
        if (decision == "accepted" && random.Next(100) < 55)
        {
            opportunity = $"GO-{i:D7}";
            var created = decidedAt!.Value.AddDays(1);
            stage = Pick(random, ("Discovery", 30), ("Demo", 20), ("Proposal", 15), ("Negotiation", 10), ("Closed Won", 12), ("Closed Lost", 13));
            highest = stage == "Closed Lost" ? OpenStages[random.Next(OpenStages.Length)] : null;
            amount = (random.Next(5_000_00, 150_000_00) / 100m).ToString("0.00", CultureInfo.InvariantCulture);
            createdAt = Text(created);
            modified = created;
            if (stage.StartsWith("Closed", StringComparison.Ordinal))
            {
                var closed = created.AddDays(random.Next(1, 30));
                closed = closed > asOf ? asOf : closed;
                closedAt = Text(closed);
                closeReason = stage == "Closed Lost" ? "Price" : null;
                modified = closed;
            }
        }

        return
        [
            $"G-{i:D7}", $"sdr-g{sdr:D3}", $"ae-g{sdr / 20:D2}", Text(booked), Text(scheduledFor), status, decision, Text(decidedAt),
            decision == "rejected" ? "not_a_fit" : "", $"Account {random.Next(1, 400_000):D6}", Titles[random.Next(Titles.Length)],
            Industries[random.Next(Industries.Length)], random.Next(5, 5000).ToString(CultureInfo.InvariantCulture), "ABCD"[random.Next(4)].ToString(),
            Segments[random.Next(Segments.Length)], random.Next(100) < 70 ? "outbound" : "inbound", exception ? "true" : "false", exception ? "vp-sales" : "",
            opportunity ?? "", stage ?? "", highest ?? "", amount ?? "", opportunity is null ? "" : "USD", createdAt ?? "", closedAt ?? "", closeReason ?? "",
            Text(modified > asOf ? asOf : modified),
        ];
    }

    private static string Pick(Random random, params (string Value, int Weight)[] choices)
    {
        var roll = random.Next(choices.Sum(c => c.Weight));
        foreach (var (value, weight) in choices)
        {
            if ((roll -= weight) < 0)
            {
                return value;
            }
        }

        return choices[^1].Value;
    }

    /// <summary>A seed from three numbers, the same in every process (<see cref="HashCode"/> is randomised per process).</summary>
    private static int Mix(int a, int b, int c) => unchecked((int)SplitMix(((ulong)(uint)a << 32 | (uint)b) ^ ((ulong)(uint)c * 0x9E3779B97F4A7C15UL)));

    /// <summary>The SplitMix64 finaliser: neighbouring inputs give unrelated outputs.</summary>
    private static ulong SplitMix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    private static string Text(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) ?? "";

    private static void Append(StringBuilder line, string[] fields)
    {
        for (var k = 0; k < fields.Length; k++)
        {
            if (k > 0)
            {
                line.Append(',');
            }

            var field = fields[k];
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                line.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                line.Append(field);
            }
        }
    }
}
