using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Plans;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;
using CompFunctions.Core.Statements;
using Xunit;

namespace CompFunctions.Core.Tests;

/// <summary>Plans beyond flat amounts, each checked against arithmetic done by hand.</summary>
public sealed class PlanRulesTests
{
    private static readonly CompPeriod November = CompPeriod.Parse("2026-11");

    private static CompPlan Plan(params PlanComponent[] components) =>
        Samples.Plan with { Components = components, Ruleset = "sao-2026" };

    private static PeriodEvaluation Run(CompPlan plan, IEnumerable<Meeting> meetings, PolicyVersions<Roster>? roster = null, FxTable? fx = null, string sdrId = "sdr-ana", params CompPlan[] more)
    {
        var plans = new[] { plan }.Concat(more).GroupBy(p => p.Id).ToDictionary(g => g.Key, g => new PolicyVersions<CompPlan>(g));
        var rulesets = new Dictionary<string, PolicyVersions<Ruleset>> { ["sao-2026"] = new([Samples.Ruleset("sao-2026")]) };
        return new PeriodEvaluator(new PolicySet(plan.Id, plans, rulesets, roster, fx), Samples.Context).Evaluate(sdrId, November, meetings.ToArray(), []);
    }

    /// <summary>n held meetings the AE accepted, booked one a day from Nov 2, each with its own account.</summary>
    private static Meeting[] Saos(int n, Func<int, Meeting, Meeting>? shape = null) =>
        Enumerable.Range(1, n)
            .Select(i => MeetingBuilder.Qualified($"M-{i:D2}").BookedOn($"2026-11-{i + 1:D2}") with { AccountName = $"Account {i}", AeDecisionAt = MeetingBuilder.Qualified().ScheduledFor.AddHours(2) })
            .Select((m, i) => shape?.Invoke(i + 1, m) ?? m)
            .ToArray();

    private static PerMeetingComponent Sao(decimal amount = 150m) => new() { Id = "sao", Amount = amount, RequiresAeAccepted = true };

    private static QuotaRule Quota(TierMode mode, decimal target = 10) => new(
        QuotaMeasure.Sao, target, ["sao"],
        [new QuotaTier(0m, FromPercent: 0), new QuotaTier(1.0m, FromPercent: 70), new QuotaTier(1.25m, AbovePercent: 100)],
        mode);

    private static decimal Total(PeriodEvaluation evaluation, string? component = null) =>
        evaluation.Lines.Where(l => component is null || l.Component == component).Sum(l => l.Amount.Amount);

    [Theory]
    [InlineData("69.9", 0)]
    [InlineData("70", 1.0)]
    [InlineData("100", 1.0)]
    [InlineData("100.1", 1.25)]
    [InlineData("0", 0)]
    public void Quota_tiers_start_at_from_percent_inclusive_and_above_percent_exclusive(string attainment, decimal rate)
    {
        Assert.Equal(rate, Quota(TierMode.Retroactive).TierAt(decimal.Parse(attainment, System.Globalization.CultureInfo.InvariantCulture)).Rate);
    }

    [Theory]
    [InlineData(6, 0)]            // 60%: nothing
    [InlineData(7, 7 * 150)]      // 70%: full rate on all 7
    [InlineData(10, 10 * 150)]    // 100%: still the full rate
    [InlineData(11, 11 * 187.50)] // 110%: 1.25× on all 11, retroactively
    public void Retroactive_tiers_pay_every_counted_meeting_at_the_rate_the_total_reaches(int saos, double expected)
    {
        var plan = Plan(Sao()) with { PeriodRules = new PeriodRules(Quota(TierMode.Retroactive)) };

        var evaluation = Run(plan, Saos(saos));

        Assert.Equal((decimal)expected, Total(evaluation));
    }

    [Fact]
    public void Marginal_tiers_pay_each_meeting_at_the_rate_its_own_position_reaches()
    {
        var plan = Plan(Sao()) with { PeriodRules = new PeriodRules(Quota(TierMode.Marginal)) };

        var lines = Run(plan, Saos(11)).Lines.ToArray();

        // Meetings 1–6 (10%–60%) earn 0; 7–10 (70%–100%) 150; the 11th (110%) 187.50.
        Assert.Equal([0, 0, 0, 0, 0, 0, 150, 150, 150, 150, 187.50m], lines.Select(l => l.Amount.Amount));
        Assert.Contains("tier 3 (above 100%) rate 1.25× (meeting 11 of a quota of 10 AE-accepted meetings (110%))", lines[10].Reason);
    }

    [Fact]
    public void A_component_cap_reduces_the_line_that_crosses_it_and_says_so()
    {
        var pipeline = new PipelinePercentComponent { Id = "pipeline", Percent = 1m, MinStage = "Proposal" };
        var plan = Plan(pipeline) with { PeriodRules = new PeriodRules(Caps: [new ComponentCap("pipeline", 500m)]) };

        var lines = Run(plan, Saos(3, (_, m) => m.WithOpportunity("Proposal", 20000m))).Lines.ToArray();

        Assert.Equal([200m, 200m, 100m], lines.Select(l => l.Amount.Amount));
        Assert.Contains("capped to 100.00 USD by the monthly cap of 500.00 USD on pipeline (200.00 USD before the cap)", lines[2].Reason);
        Assert.Contains("CAPPED", lines[2].ReasonCodes);
    }

    [Fact]
    public void A_period_cap_limits_all_pay_of_the_month()
    {
        var plan = Plan(new PerMeetingComponent { Id = "meeting_held", Amount = 50m }, Sao()) with { PeriodRules = new PeriodRules(PeriodCap: 420m) };

        var evaluation = Run(plan, Saos(3));

        // 50 + 150 + 50 + 150 = 400, then 50 → 20, then 150 → 0.
        Assert.Equal(420m, Total(evaluation));
        Assert.Equal([50m, 150m, 50m, 150m, 20m, 0m], evaluation.Lines.Select(l => l.Amount.Amount));
    }

    [Fact]
    public void A_ramping_sdr_has_a_reduced_quota_and_a_guarantee()
    {
        var roster = new PolicyVersions<Roster>([new Roster("roster", 1, new DateOnly(2026, 1, 1), [new Assignment("sdr-new", "sdr-2026", new DateOnly(2026, 10, 15), StartDate: new DateOnly(2026, 10, 15))])]);
        var plan = Plan(Sao()) with { PeriodRules = new PeriodRules(Quota(TierMode.Retroactive), Ramp: new RampRule(2, 0.5m, 1000m)) };

        var evaluation = Run(plan, Saos(4), roster, sdrId: "sdr-new");

        // Quota 10 × 0.5 = 5; 4 SAOs = 80% → full rate: 4 × 150 = 600, topped up by 400 to the 1,000 guarantee.
        Assert.Equal(600m, Total(evaluation, "sao"));
        var guarantee = Assert.Single(evaluation.PeriodLines);
        Assert.Equal((400m, "period:ramp_guarantee"), (guarantee.Amount.Amount, guarantee.LineId));
        Assert.Contains("month 2 of 2 since the start on 2026-10-15", guarantee.Reason);
        Assert.Contains("ramp quota 0.5× of 10", evaluation.Lines.First().Reason);
    }

    [Fact]
    public void After_the_ramp_the_full_quota_applies_and_nothing_is_guaranteed()
    {
        var roster = new PolicyVersions<Roster>([new Roster("roster", 1, new DateOnly(2026, 1, 1), [new Assignment("sdr-new", "sdr-2026", new DateOnly(2026, 9, 1), StartDate: new DateOnly(2026, 9, 1))])]);
        var plan = Plan(Sao()) with { PeriodRules = new PeriodRules(Quota(TierMode.Retroactive), Ramp: new RampRule(2, 0.5m, 1000m)) };

        var evaluation = Run(plan, Saos(4), roster, sdrId: "sdr-new");

        Assert.Equal(0m, Total(evaluation));
        Assert.Empty(evaluation.PeriodLines);
    }

    [Fact]
    public void A_mid_month_plan_change_splits_the_month_by_meeting_date()
    {
        var before = Plan(Sao(100m)) with { Id = "plan-a" };
        var after = Plan(Sao(200m)) with { Id = "plan-b" };
        var roster = new PolicyVersions<Roster>([new Roster("roster", 1, new DateOnly(2026, 1, 1),
        [
            new Assignment("sdr-ana", "plan-a", new DateOnly(2026, 1, 1), To: new DateOnly(2026, 11, 14)),
            new Assignment("sdr-ana", "plan-b", new DateOnly(2026, 11, 15)),
        ])]);
        var meetings = new[] { "2026-11-14", "2026-11-15" }.Select((d, i) => MeetingBuilder.Qualified($"M-{i}").BookedOn(d) with { AccountName = d }).ToArray();

        var lines = Run(before, meetings, roster, more: after).Lines.ToArray();

        Assert.Equal([(100m, "plan-a"), (200m, "plan-b")], lines.Select(l => (l.Amount.Amount, l.Plan.Id)));
    }

    [Fact]
    public void An_sdr_the_roster_does_not_assign_is_reported_unpriced_never_silently_paid_nothing()
    {
        var roster = new PolicyVersions<Roster>([new Roster("roster", 1, new DateOnly(2026, 1, 1), [new Assignment("sdr-other", "sdr-2026", new DateOnly(2026, 1, 1))])]);

        var line = Assert.Single(Run(Plan(Sao()), Saos(1), roster).Lines);

        Assert.Equal(("unpriced", 0m), (line.Component, line.Amount.Amount));
        Assert.Contains("roster roster v1 assigns no plan to sdr-ana on 2026-11-02", line.Reason);
    }

    [Fact]
    public void Pipeline_in_another_currency_is_converted_at_the_rate_of_the_opportunity_day_and_shows_it()
    {
        var fx = new FxTable("fx", 1, new DateOnly(2026, 1, 1), [new FxRate("EUR", "USD", new DateOnly(2026, 10, 1), 1.10m), new FxRate("EUR", "USD", new DateOnly(2026, 11, 20), 1.20m)]);
        var pipeline = new PipelinePercentComponent { Id = "pipeline", Percent = 1m, MinStage = "Proposal" };
        var meeting = MeetingBuilder.Qualified().WithOpportunity("Proposal", 20000m, "EUR") with
        {
            OpportunityCreatedAt = DateTimeOffset.Parse("2026-11-13T09:00:00-08:00", System.Globalization.CultureInfo.InvariantCulture),
        };

        var line = Assert.Single(Run(Plan(pipeline), [meeting], fx: fx).Lines);

        // 20,000 EUR × 1.10 = 22,000 USD; 1% = 220.00.
        Assert.Equal(220.00m, line.Amount.Amount);
        Assert.Contains("converted from 20,000.00 EUR at 1 EUR = 1.1 USD on 2026-10-01", line.Reason);
    }

    [Fact]
    public void Amounts_can_depend_on_the_segment_and_on_the_qualification_path()
    {
        var bySegment = new PerMeetingComponent { Id = "sao", Amount = 100m, RequiresAeAccepted = true, AmountBySegment = new Dictionary<string, decimal> { ["ENT"] = 250m } };
        var byPath = new PerMeetingComponent { Id = "qualified", RequiresQualified = true, AmountByPath = new Dictionary<string, decimal> { ["ae_accepted"] = 120m } };
        var meetings = Saos(2, (i, m) => m with { Segment = i == 1 ? "ENT" : "SMB" });

        var lines = Run(Plan(bySegment, byPath), meetings).Lines.ToArray();

        Assert.Equal([250m, 120m, 100m, 120m], lines.Select(l => l.Amount.Amount));
        Assert.Contains("the ENT segment rate", lines[0].Reason);
        Assert.Contains("the rate for meetings qualified by ae_accepted", lines[1].Reason);
    }

    [Fact]
    public void A_meeting_set_component_pays_a_no_show_and_an_sao_component_does_not()
    {
        var set = new PerMeetingComponent { Id = "meeting_set", Amount = 25m, RequiresHeld = false };
        var noShow = MeetingBuilder.M1043() with { AeDecision = AeDecision.Accepted };

        var lines = Run(Plan(set, Sao()), [noShow]).Lines.ToArray();

        Assert.Equal([25m, 0m], lines.Select(l => l.Amount.Amount));
        Assert.Equal("25.00 USD for a meeting set on 2026-11-04", lines[0].Reason);
    }

    [Fact]
    public void Closed_won_pays_a_bonus_and_a_share_of_revenue_only_when_won()
    {
        var won = new ClosedWonComponent { Id = "closed_won", Bonus = 200m, Percent = 2m };
        var meetings = Saos(2, (i, m) => m.WithOpportunity(i == 1 ? "Closed Won" : "Negotiation", 10000m));

        var lines = Run(Plan(won), meetings).Lines.ToArray();

        Assert.Equal([400m, 0m], lines.Select(l => l.Amount.Amount));
        Assert.Equal("200.00 USD bonus + 2% of 10,000.00 USD closed-won revenue: opportunity O-M-01 was won", lines[0].Reason);
    }

    [Fact]
    public void Many_small_lines_are_rounded_one_by_one_and_the_statement_adds_them_exactly()
    {
        var pipeline = new PipelinePercentComponent { Id = "pipeline", Percent = 1m, MinStage = "Proposal" };
        var lines = Run(Plan(pipeline), Saos(7, (_, m) => m.WithOpportunity("Proposal", 33.33m))).Lines.ToArray();

        var statement = Statement.Create("sdr-ana", November, Money.Currency.USD, Statement.Open, DateTimeOffset.UnixEpoch, lines);

        Assert.All(lines, l => Assert.Equal(0.33m, l.Amount.Amount));
        Assert.Equal(2.31m, statement.Totals.Net.Amount);
    }

    [Theory]
    [InlineData("""[ { "from_percent": 0, "rate": 0 }, { "from_percent": 70, "rate": 1 }, { "from_percent": 70, "rate": 2 } ]""", "overlaps")]
    [InlineData("""[ { "from_percent": 50, "rate": 1 } ]""", "a gap")]
    [InlineData("""[ { "from_percent": 0, "rate": -1 } ]""", "a rate is negative")]
    public void Tiers_that_overlap_leave_gaps_or_go_negative_are_rejected(string tiers, string problem)
    {
        var json = $$"""
            { "id": "p", "version": 1, "effective_from": "2026-01-01", "currency": "USD", "ruleset": "r",
              "components": [ { "type": "per_meeting", "id": "sao", "amount": 100, "requires_ae_accepted": true } ],
              "period_rules": { "quota": { "measure": "sao", "target": 10, "applies_to": ["sao"], "tiers": {{tiers}} }, "caps": [ { "component": "sao", "max": -1 } ] } }
            """;

        var error = Assert.Throws<PolicyDocumentException>(() => PolicyDocuments.ParsePlan(json, "plans/p.json", Samples.Context));

        Assert.Contains(error.Problems, p => p.Contains(problem, StringComparison.Ordinal));
        Assert.Contains("period_rules.caps: the cap of 'sao' is below zero", error.Problems);
    }

    [Fact]
    public void An_unknown_component_type_is_rejected()
    {
        const string json = """{ "id": "p", "version": 1, "effective_from": "2026-01-01", "currency": "USD", "ruleset": "r", "components": [ { "type": "lottery", "id": "x" } ] }""";

        Assert.Throws<PolicyDocumentException>(() => PolicyDocuments.ParsePlan(json, "plans/p.json", Samples.Context));
    }

    [Fact]
    public void A_roster_with_overlapping_assignments_for_one_sdr_is_rejected()
    {
        const string json = """
            { "id": "roster", "version": 1, "effective_from": "2026-01-01", "assignments": [
              { "sdr_id": "sdr-ana", "plan": "a", "from": "2026-01-01" },
              { "sdr_id": "sdr-ana", "plan": "b", "from": "2026-06-01" } ] }
            """;

        var error = Assert.Throws<PolicyDocumentException>(() => PolicyDocuments.ParseRoster(json, "rosters/roster.json"));

        Assert.Contains("sdr-ana is on a from 2026-01-01 and on b from 2026-06-01, which overlap", Assert.Single(error.Problems));
    }
}

/// <summary>The brief's scenario under one sample plan per policy family: what M-1042 is paid.</summary>
public sealed class PlanFamilyTests
{
    [Theory]
    [InlineData("pay-per-meeting-set", 75.00)]
    [InlineData("sdr-2026", 530.00)]
    [InlineData("pay-per-sao", 150.00)]
    [InlineData("pay-per-stage", 150.00)]
    [InlineData("pay-on-closed-won", 0.00)]
    [InlineData("pay-on-pipeline", 480.00)]
    public void M1042_is_paid_what_the_brief_says_under_each_plan(string plan, double paid)
    {
        var lines = Samples.EvaluatorForPlan(plan).Evaluate(MeetingBuilder.M1042()).Lines;

        Assert.Equal((decimal)paid, lines.Sum(l => l.Amount.Amount));
        Assert.All(lines, l => Assert.Equal(plan, l.Plan.Id));
    }

    [Fact]
    public void Under_the_strict_icp_plan_M1042_is_not_paid_as_qualified_but_is_paid_for_the_meeting_and_the_pipeline()
    {
        var lines = Samples.EvaluatorForPlan("sdr-2026").Evaluate(MeetingBuilder.M1042()).Lines.ToDictionary(l => l.Component, l => l.Amount.Amount);

        Assert.Equal(new Dictionary<string, decimal> { ["meeting_held"] = 50m, ["qualified_meeting"] = 0m, ["pipeline"] = 480m }, lines);
    }

    [Fact]
    public void The_blended_sample_plan_pays_an_enterprise_sao_at_the_enterprise_rate_and_its_quota_tier()
    {
        var meetings = Enumerable.Range(1, 9)
            .Select(i => MeetingBuilder.Qualified($"M-{i}").BookedOn($"2026-11-{i + 1:D2}") with
            {
                AccountName = $"Account {i}",
                Segment = i == 1 ? "ENT" : "MM",
                AeDecisionAt = MeetingBuilder.Qualified().ScheduledFor.AddHours(1),
            })
            .ToArray();
        var plan = Samples.PlanNamed("blended-sdr-2026");
        var evaluator = new PeriodEvaluator(
            PolicySet.ForPlan(new PolicyVersions<CompPlan>([plan]), new Dictionary<string, PolicyVersions<Ruleset>> { ["blended-2026"] = new([Samples.Ruleset("blended-2026")]) }),
            Samples.Context);

        var lines = evaluator.Evaluate("sdr-ana", CompPeriod.Parse("2026-11"), meetings, []).Lines.Where(l => l.Component == "sao").ToArray();

        // 9 SAOs of a quota of 12 = 75%: the full rate. ENT pays 160, MM 110.
        Assert.Equal(160m + 8 * 110m, lines.Sum(l => l.Amount.Amount));
        Assert.Contains("the ENT segment rate", lines[0].Reason);
        Assert.Contains("tier 2 (from 70%) rate 1× (quota 12 AE-accepted meetings, 9 reached (75%))", lines[0].Reason);
    }

    [Fact]
    public void The_sample_roster_and_fx_table_are_valid_documents()
    {
        var roster = PolicyDocuments.ParseRoster(File.ReadAllText(Samples.PathOf("comp-config/rosters/roster.json")), "rosters/roster.json");
        var fx = PolicyDocuments.ParseFxTable(File.ReadAllText(Samples.PathOf("comp-config/fx/fx.json")), "fx/fx.json");

        Assert.Equal("blended-sdr-2026", roster.For("sdr-ben", new DateOnly(2026, 11, 15))!.Plan);
        Assert.Equal("sdr-2026", roster.For("sdr-ben", new DateOnly(2026, 11, 14))!.Plan);
        Assert.True(fx.TryConvert(new Money.Money(100m, Money.Currency.Parse("EUR")), Money.Currency.USD, new DateOnly(2026, 11, 5), out var usd, out _));
        Assert.Equal(109.20m, usd.Rounded().Amount);
    }
}

public sealed class OpportunityOnceTests
{
    [Fact]
    public void Two_meetings_with_the_same_opportunity_pay_its_pipeline_once_on_the_first()
    {
        var first = MeetingBuilder.Qualified("M-1").BookedOn("2026-11-02").WithOpportunity("Proposal", 20000m) with { OpportunityId = "O-1", AccountName = "A" };
        var second = MeetingBuilder.Qualified("M-2").BookedOn("2026-11-09").WithOpportunity("Proposal", 20000m) with { OpportunityId = "O-1", AccountName = "B" };

        var pipeline = Samples.Evaluator().Evaluate([second, first], []).SelectMany(e => e.Lines).Where(l => l.Component == "pipeline").ToArray();

        Assert.Equal([200m, 0m], pipeline.Select(l => l.Amount.Amount));
        Assert.Equal("Opportunity O-1 is paid on M-1, booked 2026-11-02: an opportunity pays once", pipeline[1].Reason);
    }

    [Fact]
    public void An_opportunity_paid_on_a_meeting_of_the_previous_period_is_not_paid_again()
    {
        var october = MeetingBuilder.Qualified("M-1").BookedOn("2026-10-20").WithOpportunity("Proposal", 20000m) with { OpportunityId = "O-1", AccountName = "A" };
        var november = MeetingBuilder.Qualified("M-2").BookedOn("2026-11-25").WithOpportunity("Proposal", 20000m) with { OpportunityId = "O-1", AccountName = "B" };

        var line = Samples.Evaluator().Evaluate([november], [october]).Single().Lines.Single(l => l.Component == "pipeline");

        Assert.Equal(0m, line.Amount.Amount);
    }
}
