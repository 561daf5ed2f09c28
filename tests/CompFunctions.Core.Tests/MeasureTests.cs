using CompFunctions.Core.Comparison;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Money;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Statements;
using Xunit;

namespace CompFunctions.Core.Tests;

/// <summary>
/// The live policy measured on a hand-checked November: the sample plan (50 per meeting held, 150
/// more if qualified, 1% of pipeline from Proposal) with the ICP-or-exception ruleset.
/// </summary>
public sealed class MeasureTests
{
    private static readonly CompPeriod November = CompPeriod.Parse("2026-11");

    //  meeting  SDR      path           segment  pays                          turned into
    //  A1       sdr-ana  icp            MM       50 + 150 + 1% of 10,000 = 300 SAO, O-A1 won 10,000
    //  A2       sdr-ana  exception      SMB      50 + 150 + 1% of 48,000 = 680 SAO, O-77 lost at Negotiation 48,000
    //  A3       sdr-ana  disqualified   (none)   0 (no-show)
    //  A4       sdr-ana  not qualified  SMB      50                            nothing yet (AE pending)
    //  B1       sdr-ben  icp            ENT      50 + 150 + 0 (Demo) = 200     SAO, O-B1 at Demo 20,000
    //  B2       sdr-ben  exception      ENT      50 + 150 = 200                SAO, no opportunity
    private static IReadOnlyList<Meeting> Meetings() =>
    [
        MeetingBuilder.Qualified("A1").WithOpportunity("Closed Won", 10000m) with { Segment = "MM" },
        MeetingBuilder.M1042() with { MeetingId = "A2", ExceptionApproved = true, ExceptionApprovedBy = "vp-sales" },
        MeetingBuilder.M1043() with { MeetingId = "A3" },
        MeetingBuilder.Qualified("A4").BookedOn("2026-11-20") with { LeadScore = LeadScore.C, AeDecision = AeDecision.Pending, Segment = "SMB" },
        MeetingBuilder.Qualified("B1", "sdr-ben").WithOpportunity("Demo", 20000m) with { Segment = "ENT" },
        MeetingBuilder.Qualified("B2", "sdr-ben").BookedOn("2026-11-12") with { LeadScore = LeadScore.D, EmployeeCount = 20, ExceptionApproved = true, Segment = "ENT" },
    ];

    private static Statement StatementOf(string sdrId, IReadOnlyList<Meeting> meetings, params PayoutLine[] extra) => Statement.Create(
        sdrId, November, Currency.USD, Statement.Open, default,
        Samples.Evaluator(Samples.Ruleset("icp-exceptions-2026")).Evaluate(sdrId, November, meetings.Where(m => m.SdrId == sdrId).ToArray(), []).Lines.Concat(extra));

    private static PeriodMeasure Measure(IReadOnlyList<TeamBudget>? budgets = null, string today = "2026-11-15", params PayoutLine[] benExtra)
    {
        var meetings = Meetings();
        return PolicyMeasure.Measure(November, meetings, [StatementOf("sdr-ana", meetings), StatementOf("sdr-ben", meetings, benExtra)], budgets ?? [], DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture), StageOrder.Default);
    }

    private static TeamBudget Budget(string team, decimal? monthly, Dictionary<CompPeriod, decimal>? periods = null, params string[] sdrs) =>
        new(team, Currency.USD, monthly, periods ?? [], sdrs);

    [Fact]
    public void The_funnel_of_the_paid_meetings_adds_up_to_the_statements()
    {
        var measure = Measure();

        // 300 + 680 + 0 + 50 + 200 + 200; five meetings pay, four of them the AE accepted, three
        // carry an opportunity (10,000 won + 48,000 + 20,000 of pipeline), one was won.
        Assert.Equal((1430.00m, 1430.00m, 0m, 0m), (measure.Spend, measure.PaidForMeetings, measure.PeriodLines, measure.Adjustments));
        Assert.Equal(new FunnelRow("all", 6, 5, 4, 3, 1, 1430.00m, 78000m, 10000m, 0.8m, 0.6m, 0.2m, 54.55m, 6.99m), measure.Total);
        Assert.Equal(measure.Spend, measure.BySdr.Sum(r => r.Cost));
        Assert.Equal(measure.Spend, measure.ByPath.Sum(r => r.Cost));
        Assert.Equal(measure.Spend, measure.BySegment.Sum(r => r.Cost));
    }

    [Fact]
    public void Split_by_path_shows_whether_the_exceptions_pay_off()
    {
        var byPath = Measure().ByPath;

        Assert.Equal(["icp", "exception", PolicyMeasure.NotQualified, PolicyMeasure.Disqualified], byPath.Select(r => r.Key));
        // ICP: 500 paid for 30,000 of pipeline (60 per dollar) and 10,000 won (20 per dollar).
        Assert.Equal(new FunnelRow("icp", 2, 2, 2, 2, 1, 500.00m, 30000m, 10000m, 1m, 1m, 0.5m, 60.00m, 20.00m), byPath[0]);
        // Exceptions: 880 paid for 48,000 of pipeline (54.5454… → 54.55 per dollar) and nothing won yet.
        Assert.Equal(new FunnelRow("exception", 2, 2, 2, 1, 0, 880.00m, 48000m, 0m, 1m, 0.5m, 0m, 54.55m, 0.00m), byPath[1]);
        Assert.Equal(new FunnelRow(PolicyMeasure.NotQualified, 1, 1, 0, 0, 0, 50.00m, 0m, 0m, 0m, 0m, 0m, 0.00m, 0.00m), byPath[2]);
        Assert.Equal(new FunnelRow(PolicyMeasure.Disqualified, 1, 0, 0, 0, 0, 0.00m, 0m, 0m, null, null, null, null, null), byPath[3]);
    }

    [Fact]
    public void Split_by_segment_and_by_sdr_add_up_per_group()
    {
        var measure = Measure();

        Assert.Equal(
            [("(none)", 0.00m, 0), ("ENT", 400.00m, 2), ("MM", 300.00m, 1), ("SMB", 730.00m, 2)],
            measure.BySegment.Select(r => (r.Key, r.Cost, r.Paid)));
        Assert.Equal([("sdr-ana", 1030.00m, 3, 2), ("sdr-ben", 400.00m, 2, 1)], measure.BySdr.Select(r => (r.Key, r.Cost, r.Paid, r.Opportunities)));
    }

    [Fact]
    public void A_team_spending_ahead_of_the_month_is_warned_it_is_on_course_to_exceed_its_budget()
    {
        // 1,430.00 spent in 15 of November's 30 days projects to 1,430 × 30 ÷ 15 = 2,860.00, over 1,500.
        var check = Assert.Single(Measure([Budget("all", 1500m)]).Budgets);

        Assert.Equal((BudgetCheck.OnCourseToExceed, 1430.00m, 70.00m, 15, 30, 2860.00m), (check.Status, check.Spend, check.Remaining, check.DaysElapsed, check.DaysInPeriod, check.Projected));
        Assert.Equal("Team all: 1,430.00 USD spent in 15 of 30 days of 2026-11, on course for 2,860.00 USD by the end of the month: 1,360.00 USD over the budget of 1,500.00 USD", check.Summary);
    }

    [Fact]
    public void The_warnings_name_each_team_over_or_on_course_to_exceed_its_budget_and_no_other()
    {
        var measure = Measure(
        [
            Budget("all", 3000m),                                             // 1,430 → 2,860 by the month's end: within
            Budget("west", 1000m, new() { [November] = 300m }, "sdr-ben"),    // the November amount wins: 400 > 300
            Budget("east", null, new() { [November.Next()] = 100m }, "sdr-ana"), // no budget for November: not checked
        ]);

        Assert.Equal([("all", BudgetCheck.Within), ("west", BudgetCheck.Exceeded)], measure.Budgets.Select(b => (b.Team, b.Status)));
        Assert.Equal(["Team west: 400.00 USD spent in 15 of 30 days of 2026-11: over the budget of 300.00 USD by 100.00 USD"], measure.Warnings);
    }

    [Theory]
    [InlineData("2026-11-27", 27, "1311.11", BudgetCheck.OnCourseToExceed)] // 1,180 × 30 ÷ 27 = 1,311.111… → 1,311.11
    [InlineData("2026-11-30", 30, "1180.00", BudgetCheck.Within)]
    [InlineData("2026-12-02", 30, "1180.00", BudgetCheck.Within)]          // the month is over: the spend is final
    [InlineData("2026-10-20", 0, null, BudgetCheck.NotStarted)]
    public void The_projection_pro_rates_the_spend_over_the_elapsed_local_days(string today, int elapsed, string? projected, string status)
    {
        var check = BudgetCheck.For(Budget("all", 1200m), November, 1200m, 1180.00m, DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal((elapsed, projected is null ? (decimal?)null : decimal.Parse(projected, System.Globalization.CultureInfo.InvariantCulture), status), (check.DaysElapsed, check.Projected, check.Status));
    }

    [Fact]
    public void Spend_counts_adjustments_to_earlier_months_apart_from_the_meetings_of_the_month()
    {
        var adjustment = new PayoutLine(
            "M-OLD:meeting_held:adjustment", "M-OLD", LineKind.Adjustment, "meeting_held", new Money.Money(-50m, Currency.USD).Rounded(),
            "Adjusts 2026-10: no-show reported later", ["ADJUSTMENT"], new QualificationSummary(false, null, [], "no_show"),
            new DocumentRef("sdr-2026", 1), new DocumentRef("icp-2026", 1), new SourceRef("test.csv", 9), "2026-10/M-OLD:meeting_held");

        var measure = Measure(benExtra: adjustment);

        Assert.Equal((1380.00m, 1430.00m, -50.00m), (measure.Spend, measure.PaidForMeetings, measure.Adjustments));
        Assert.Equal(1430.00m, measure.Total.Cost);
    }
}
