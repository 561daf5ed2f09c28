using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Plans;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;
using CompFunctions.Core.Statements;
using Xunit;

namespace CompFunctions.Core.Tests;

/// <summary>
/// Guards what a rep reads against changes made for speed: a varied, seeded set of meetings goes
/// through every sample plan (and through the sample roster, which adds ramp, a mid-month plan
/// change and unpriced meetings), and every verdict, criterion, line, amount (with its scale),
/// reason and reason code is written out and compared, by digest, with the text recorded before
/// the core's evaluation was optimised. A change of wording must update the digest on purpose.
/// </summary>
public sealed class EvaluationTextTests
{
    /// <summary>SHA-256 of <see cref="Dump"/>, recorded with the eager evaluation of commit 1af784e.</summary>
    private const string RecordedDigest = "7FEEA9FA0E1F6BC48DABE38A0A529C0DDFE2D1E1F59CF6218FF91774311230BC";

    private static readonly string[] Accounts =
    [
        "Acme Corp", "ACME corp.", "Pérez & Hijos, S.L.", "perez hijos s l", "Globex", "Initech", "Umbrella",
        "Soylent", "Stark Industries", "Wayne Enterprises", "Zoë's Café", "Hooli", "Vandelay", "", "  ",
    ];

    private static readonly string?[] Titles =
    [
        "VP, Sales", "vp sales", "Dirección de Ventas", "Director de Ventas", "Head of RevOps", "Office Manager",
        "Chief Revenue Officer", "CRO", "VP Sales Ops", "Head of Sales Operations", "COO", "Intern", "Director, Revenue", null,
    ];

    private static readonly string?[] Industries = ["Software", "fintech", "Healthcare", "Hospitality", "Food & Beverage", "Retail", "Logistics", null];

    private static readonly string?[] Segments = ["SMB", "MM", "ENT", "ent", null];

    private static readonly string?[] RejectionReasons = ["Not a decision maker", "outside territory", "Existing Customer", "Budget", null];

    private static readonly string[] Stages = ["Discovery", "Demo", "Proposal", "Negotiation", "Closed Won", "Closed Lost"];

    private static readonly string[] Currencies = ["USD", "USD", "USD", "EUR", "GBP", "JPY"];

    private static readonly string[] Sdrs = ["sdr-ana", "sdr-ben", "sdr-cho", "sdr-dev", "sdr-zed"];

    [Fact]
    public void Every_verdict_line_amount_and_reason_of_the_sample_policies_matches_the_recorded_text()
    {
        var dump = Dump();
        var digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(dump)));
        if (digest != RecordedDigest)
        {
            var path = Path.Combine(Path.GetTempPath(), "compfunctions-evaluation-text.txt");
            File.WriteAllText(path, dump);
            Assert.Fail($"The evaluation text changed (digest {digest}); the full text is in {path}. Compare it with the same file written by the recorded commit.");
        }
    }

    /// <summary>Every sample plan on its own for a whole team's two months, then the sample roster per SDR.</summary>
    private static string Dump()
    {
        var meetings = Meetings(900);
        var fx = PolicyDocuments.ParseFxTable(File.ReadAllText(Samples.PathOf("comp-config/fx/fx.json")), "fx/fx.json");
        var output = new StringBuilder();
        var planIds = Directory.GetFiles(Samples.PathOf("comp-config/plans"), "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray();
        var plans = planIds.Select(id => Samples.PlanNamed(id!)).ToArray();
        var rulesets = plans.Select(p => p.Ruleset).Distinct().ToDictionary(id => id, id => new PolicyVersions<Ruleset>([Samples.Ruleset(id)]));
        foreach (var plan in plans)
        {
            var policies = PolicySet.ForPlan(new PolicyVersions<CompPlan>([plan]), rulesets, fx);
            Write(output, $"plan {plan.Ref}", new PeriodEvaluator(policies, Samples.Context), "sdr-all", meetings);
        }

        var roster = PolicyDocuments.ParseRoster(File.ReadAllText(Samples.PathOf("comp-config/rosters/roster.json")), "rosters/roster.json");
        var all = new PolicySet("sdr-2026", plans.ToDictionary(p => p.Id, p => new PolicyVersions<CompPlan>([p])), rulesets, new PolicyVersions<Roster>([roster]), fx);
        foreach (var sdr in Sdrs)
        {
            Write(output, $"roster, {sdr}", new PeriodEvaluator(all, Samples.Context), sdr, meetings.Where(m => m.SdrId == sdr).ToArray());
        }

        var variant = Variant();
        var ramping = new Roster("variant", 1, new DateOnly(2026, 1, 1), [new Assignment("sdr-all", variant.Id, new DateOnly(2026, 1, 1), StartDate: new DateOnly(2026, 9, 15))]);
        var variantPolicies = new PolicySet(variant.Id, new Dictionary<string, PolicyVersions<CompPlan>> { [variant.Id] = new([variant]) }, rulesets, new PolicyVersions<Roster>([ramping]), fx);
        Write(output, $"plan {variant.Ref}", new PeriodEvaluator(variantPolicies, Samples.Context), "sdr-all", meetings);

        return output.ToString();
    }

    /// <summary>A plan with what the samples leave out: pay by path, a segment without an amount, marginal tiers, a period cap and a ramp guarantee.</summary>
    private static CompPlan Variant() => Samples.PlanNamed("blended-sdr-2026") with
    {
        Id = "variant",
        Components =
        [
            new PerMeetingComponent { Id = "by_path", QualifiedBy = ["icp", "exception"], AmountByPath = new Dictionary<string, decimal> { ["icp"] = 120m, ["exception"] = 60m } },
            new PerMeetingComponent { Id = "segment", RequiresQualified = true, RequiresOpportunity = true, AmountBySegment = new Dictionary<string, decimal> { ["MM"] = 70m } },
            new PerMeetingComponent { Id = "set", RequiresHeld = false, Amount = 10m },
            new PipelinePercentComponent { Id = "pipeline", Percent = 1.5m, MinStage = "Demo" },
            new ClosedWonComponent { Id = "won", Bonus = 100m, Percent = 2m },
        ],
        PeriodRules = new PeriodRules(
            new QuotaRule(QuotaMeasure.QualifiedMeetings, 15m, ["by_path", "set"], [new QuotaTier(0.5m, FromPercent: 0), new QuotaTier(1m, FromPercent: 50), new QuotaTier(1.5m, AbovePercent: 100)], TierMode.Marginal),
            [new ComponentCap("won", 2000m)],
            PeriodCap: 2500m,
            Ramp: new RampRule(3, 0.5m, 50000m)),
    };

    private static void Write(StringBuilder output, string title, PeriodEvaluator evaluator, string sdrId, IReadOnlyList<Meeting> meetings)
    {
        var october = new CompPeriod(2026, 10);
        foreach (var period in new[] { october, october.Next() })
        {
            var of = meetings.Where(m => Samples.Context.Calendar.PeriodOf(m.BookedAt) == period).ToArray();
            var before = meetings.Where(m => Samples.Context.Calendar.PeriodOf(m.BookedAt) == period.Previous()).ToArray();
            var evaluation = evaluator.Evaluate(sdrId, period, of, before);
            output.Append(CultureInfo.InvariantCulture, $"# {title}, {period}\n");
            foreach (var meeting in evaluation.Meetings)
            {
                output.Append(CultureInfo.InvariantCulture, $"meeting {meeting.Meeting.MeetingId}\n");
                if (meeting.Verdict is { } verdict)
                {
                    WriteVerdict(output, verdict);
                }

                foreach (var line in meeting.Lines)
                {
                    WriteLine(output, line);
                }
            }

            foreach (var line in evaluation.PeriodLines)
            {
                WriteLine(output, line);
            }
        }
    }

    private static void WriteVerdict(StringBuilder output, Verdict v)
    {
        output.Append(CultureInfo.InvariantCulture, $"  verdict {v.Qualified} by={v.By} ruleset={v.Ruleset} failed=[{string.Join(",", v.FailedCriteria)}]\n");
        output.Append(CultureInfo.InvariantCulture, $"  explanation {v.Explanation}\n");
        if (v.DisqualifiedBy is { } d)
        {
            output.Append(CultureInfo.InvariantCulture, $"  disqualified {d.Disqualifier} {d.ReasonCode} {d.Explanation}\n");
        }

        foreach (var p in v.Paths)
        {
            output.Append(CultureInfo.InvariantCulture, $"  path {p.Path} {p.Passed} {p.ReasonCode} {p.Explanation}\n");
            foreach (var c in p.Criteria)
            {
                output.Append(CultureInfo.InvariantCulture, $"    criterion {c.Criterion} {c.Passed} {c.Required} {c.ReasonCode} observed=[{c.Observed}] expected=[{c.Expected}] {c.Explanation}\n");
            }
        }
    }

    private static void WriteLine(StringBuilder output, PayoutLine l)
    {
        var q = l.Qualification;
        output.Append(CultureInfo.InvariantCulture, $"  line {l.LineId} {l.MeetingId} {l.Kind} {l.Component} {l.Amount.Amount} {l.Amount.Currency} plan={l.Plan} ruleset={l.Ruleset} source={l.Source.Export}:{l.Source.Line} adjusts={l.Adjusts} account={l.Account} booked={l.BookedOn:yyyy-MM-dd}\n");
        output.Append(CultureInfo.InvariantCulture, $"    codes [{string.Join(",", l.ReasonCodes)}] reason {l.Reason}\n");
        output.Append(CultureInfo.InvariantCulture, $"    qualification {q.Qualified} by={q.By} failed=[{string.Join(",", q.FailedCriteria)}] disqualified={q.DisqualifiedBy} {q.Explanation}\n");
    }

    /// <summary>Seeded meetings of five SDRs over October and November 2026, with every status, decision and field a rule looks at.</summary>
    private static Meeting[] Meetings(int count)
    {
        var random = new Random(20261127);
        T Pick<T>(IReadOnlyList<T> values) => values[random.Next(values.Count)];
        var start = new DateTimeOffset(2026, 10, 1, 8, 0, 0, TimeSpan.FromHours(-7));
        var meetings = new Meeting[count];
        for (var i = 0; i < count; i++)
        {
            var booked = start.AddMinutes(random.Next(61 * 24 * 60));
            var scheduled = booked.AddHours(random.Next(0, 240));
            var status = Pick(new[] { MeetingStatus.Held, MeetingStatus.Held, MeetingStatus.Held, MeetingStatus.NoShow, MeetingStatus.Cancelled, MeetingStatus.Rescheduled, MeetingStatus.Scheduled });
            var decision = Pick(new[] { AeDecision.Accepted, AeDecision.Accepted, AeDecision.Pending, AeDecision.Rejected });
            var hasOpportunity = random.Next(2) == 0;
            var stage = Pick(Stages);
            var highest = Pick(Stages);
            var currency = Pick(Currencies);
            meetings[i] = new Meeting
            {
                MeetingId = $"M-{i:D4}",
                SdrId = Pick(Sdrs),
                AeId = "ae-bo",
                BookedAt = booked,
                ScheduledFor = scheduled,
                Status = status,
                AeDecision = decision,
                AeDecisionAt = decision == AeDecision.Pending || random.Next(8) == 0 ? null : scheduled.AddHours(random.Next(0, 24 * 20)),
                RejectionReason = decision == AeDecision.Rejected ? Pick(RejectionReasons) : null,
                AccountName = random.Next(10) == 0 ? null : Pick(Accounts),
                ContactTitle = Pick(Titles),
                Industry = Pick(Industries),
                EmployeeCount = random.Next(8) == 0 ? null : random.Next(5, 20000),
                LeadScore = random.Next(6) == 0 ? null : (LeadScore)random.Next(4),
                Segment = Pick(Segments),
                Source = random.Next(6) == 0 ? null : (LeadSource)random.Next(2),
                ExceptionApproved = random.Next(8) == 0,
                ExceptionApprovedBy = random.Next(2) == 0 ? "mgr-eve" : null,
                OpportunityId = hasOpportunity ? $"O-{random.Next(300)}" : null,
                OpportunityStage = hasOpportunity ? stage : null,
                HighestStage = hasOpportunity ? highest : null,
                FurthestStage = hasOpportunity ? StageOrder.Default.Furthest(stage, highest) : null,
                OpportunityAmount = hasOpportunity && random.Next(10) > 0 ? random.Next(100, 20_000_000) / 100m : null,
                Currency = hasOpportunity && random.Next(12) > 0 ? currency : null,
                OpportunityCreatedAt = hasOpportunity && random.Next(3) > 0 ? scheduled.AddDays(random.Next(0, 5)) : null,
                SourceRef = new SourceRef("seeded.csv", i + 2),
            };
        }

        return meetings;
    }
}
