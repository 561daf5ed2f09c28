using CompFunctions.Core.Comparison;
using CompFunctions.Core.Periods;
using Xunit;

namespace CompFunctions.Core.Tests;

public sealed class ComparisonTests
{
    private static readonly string[] Plans = ["sdr-2026", "pay-per-meeting-set", "pay-per-sao", "pay-per-stage", "pay-on-closed-won", "pay-on-pipeline"];

    private static ComparisonResult Compare() => PolicyComparison.Compare(
        [new SdrPeriodMeetings("sdr-ana", CompPeriod.Parse("2026-11"), [MeetingBuilder.M1042(), MeetingBuilder.M1043()], [])],
        Plans.Select(p => (p, Samples.PolicySetForPlan(p))).ToArray(),
        Samples.Context);

    [Fact]
    public void The_comparison_reproduces_the_briefs_M1042_outcome_under_each_policy_and_adds_up()
    {
        var result = Compare();

        // M-1043 is a no-show: only the pay-per-meeting-set policy pays it (75).
        var cost = result.Policies.ToDictionary(p => p.Policy, p => p.Cost);
        Assert.Equal(new Dictionary<string, decimal>
        {
            ["sdr-2026"] = 530m, ["pay-per-meeting-set"] = 150m, ["pay-per-sao"] = 150m,
            ["pay-per-stage"] = 150m, ["pay-on-closed-won"] = 0m, ["pay-on-pipeline"] = 480m,
        }, cost);
        Assert.All(result.Policies, p => Assert.Equal(p.Cost, p.CostBySdr.Values.Sum()));
    }

    [Fact]
    public void Each_policy_reports_what_its_money_bought()
    {
        var pipeline = Compare().Policies.Single(p => p.Policy == "pay-on-pipeline");

        Assert.Equal((2, 1, 1, 48000m, 0m), (pipeline.Meetings, pipeline.MeetingsPaid, pipeline.Opportunities, pipeline.Pipeline, pipeline.ClosedWonRevenue));
        Assert.Equal(0.01m, pipeline.CostPerPipelineDollar);
        Assert.Equal(480m, pipeline.CostPerOpportunity);
        Assert.Null(pipeline.CostPerClosedWonDollar);
    }

    [Fact]
    public void Meetings_that_change_outcome_against_the_baseline_are_listed_with_both_reasons()
    {
        var changes = Compare().Changes;

        var sao = changes.Single(c => c.ToPolicy == "pay-per-sao" && c.MeetingId == "M-1042");
        Assert.Equal((530m, 150m), (sao.FromAmount, sao.ToAmount));
        Assert.StartsWith("not qualified: lead score C", sao.FromVerdict);
        Assert.StartsWith("qualified: the AE accepted it", sao.ToVerdict);
        Assert.DoesNotContain(changes, c => c.ToPolicy == "pay-on-closed-won" && c.MeetingId == "M-1043");
    }
}
