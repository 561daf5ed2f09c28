using CompFunctions.Core.Meetings;
using CompFunctions.Core.Statements;
using Xunit;

namespace CompFunctions.Core.Tests;

public sealed class PlanTests
{
    private static PayoutLine Line(IEnumerable<PayoutLine> lines, string component) => Assert.Single(lines, l => l.Component == component);

    private static IReadOnlyList<PayoutLine> Lines(Meeting meeting) => Samples.Evaluator().Evaluate(meeting).Lines;

    [Fact]
    public void M1042_is_paid_for_the_held_meeting_and_the_pipeline_but_not_as_qualified()
    {
        var lines = Lines(MeetingBuilder.M1042());

        Assert.Equal(50.00m, Line(lines, "meeting_held").Amount.Amount);
        Assert.Equal(0.00m, Line(lines, "qualified_meeting").Amount.Amount);
        Assert.Contains("NOT_QUALIFIED", Line(lines, "qualified_meeting").ReasonCodes);
        var pipeline = Line(lines, "pipeline");
        Assert.Equal(480.00m, pipeline.Amount.Amount);
        Assert.Equal("1% of 48,000.00 USD pipeline: opportunity O-77 reached Negotiation (Proposal or later pays)", pipeline.Reason);
        Assert.Equal(["PIPELINE_STAGE_REACHED"], pipeline.ReasonCodes);
        Assert.All(lines, l => Assert.Equal(["lead_score", "employee_count", "industry"], l.Qualification.FailedCriteria));
        Assert.All(lines, l => Assert.Equal("M-1042:" + l.Component, l.LineId));
    }

    [Fact]
    public void A_no_show_earns_nothing_from_any_component_and_every_line_says_why()
    {
        var lines = Lines(MeetingBuilder.M1043());

        Assert.All(lines, l => Assert.Equal(0m, l.Amount.Amount));
        Assert.All(lines, l => Assert.Equal("No-show on 2026-11-05: no-shows are not paid", l.Reason));
        Assert.All(lines, l => Assert.Equal(["MEETING_NO_SHOW"], l.ReasonCodes));
        Assert.All(lines, l => Assert.Equal("no_show", l.Qualification.DisqualifiedBy));
    }

    [Fact]
    public void A_qualified_held_meeting_with_a_proposal_earns_all_three_components()
    {
        var lines = Lines(MeetingBuilder.Qualified().WithOpportunity("Proposal", 20000m));

        Assert.Equal([50.00m, 150.00m, 200.00m], lines.Select(l => l.Amount.Amount));
        Assert.StartsWith("150.00 USD for a qualified meeting held on 2026-11-12 (qualified: meets the ideal customer profile", Line(lines, "qualified_meeting").Reason);
    }

    [Fact]
    public void Pipeline_pays_nothing_before_the_stage_is_reached()
    {
        var pipeline = Line(Lines(MeetingBuilder.Qualified().WithOpportunity("Demo", 65000m)), "pipeline");

        Assert.Equal(0m, pipeline.Amount.Amount);
        Assert.Equal("Opportunity O-M-1 has reached Demo so far: pipeline pays from Proposal", pipeline.Reason);
    }

    [Fact]
    public void Pipeline_in_another_currency_without_a_rate_is_reported_unpriced_not_converted_silently()
    {
        var pipeline = Line(Lines(MeetingBuilder.Qualified().WithOpportunity("Proposal", 20000m, "EUR")), "pipeline");

        Assert.Equal(0m, pipeline.Amount.Amount);
        Assert.Equal(["UNPRICED_FX_RATE_MISSING"], pipeline.ReasonCodes);
        Assert.Contains("there is no EUR→USD rate on or before 2026-11-09", pipeline.Reason);
    }

    [Fact]
    public void Pipeline_amounts_round_half_away_from_zero_per_line()
    {
        Assert.Equal(550.00m, Line(Lines(MeetingBuilder.Qualified().WithOpportunity("Proposal", 54999.50m)), "pipeline").Amount.Amount);
    }

    [Theory]
    [InlineData(MeetingStatus.Scheduled, "MEETING_NOT_YET_HELD")]
    [InlineData(MeetingStatus.Cancelled, "MEETING_CANCELLED")]
    [InlineData(MeetingStatus.Rescheduled, "MEETING_RESCHEDULED")]
    public void Meetings_not_held_earn_nothing_with_their_own_reason(MeetingStatus status, string code)
    {
        var lines = Lines(MeetingBuilder.Qualified() with { Status = status });

        Assert.All(lines, l => Assert.Equal([code], l.ReasonCodes));
        Assert.All(lines, l => Assert.True(l.Amount.IsZero));
    }
}

public sealed class StatementTests
{
    [Fact]
    public void Totals_are_the_sum_of_the_lines_to_the_cent()
    {
        var meetings = new[]
        {
            MeetingBuilder.M1042(),
            MeetingBuilder.Qualified("M-2").WithOpportunity("Proposal", 12345.67m) with { AccountName = "B" },
            MeetingBuilder.Qualified("M-3") with { Status = MeetingStatus.NoShow, AccountName = "C" },
        };
        var lines = Samples.Evaluator().Evaluate(meetings, []).SelectMany(e => e.Lines).ToArray();

        var statement = Statement.Create("sdr-ana", Periods.CompPeriod.Parse("2026-11"), Money.Currency.USD, Statement.Open, DateTimeOffset.UnixEpoch, lines);

        Assert.Equal(50m + 480m + 50m + 150m + 123.46m, statement.Totals.Earnings.Amount);
        Assert.Equal(statement.Lines.Sum(l => l.Amount.Amount), statement.Totals.Net.Amount);
        Assert.Equal(0m, statement.Totals.Clawbacks.Amount);
    }

    [Fact]
    public void Totals_without_a_statement_are_the_statements_and_rounded_are_the_sums_of_rounded_lines_and_a_stray_currency_names_the_same_line()
    {
        var template = Samples.Evaluator().Evaluate([MeetingBuilder.M1042()], []).SelectMany(e => e.Lines).First();
        PayoutLine Line(string meeting, string component, LineKind kind, decimal amount, Money.Currency? currency = null) =>
            template with { LineId = PayoutLine.IdFor(meeting, component), MeetingId = meeting, Kind = kind, Amount = new Money.Money(amount, currency ?? Money.Currency.USD) };
        PayoutLine[] lines =
        [
            Line("M-9", "pipeline", LineKind.Earning, 10.005m),
            Line("M-1", "qualified", LineKind.Earning, 20.004m),
            Line("M-5", "pipeline", LineKind.Clawback, -3.335m),
            Line("M-5", "pipeline@2026-10", LineKind.Adjustment, 1.115m),
        ];

        var statement = Statement.Create("sdr-ana", Periods.CompPeriod.Parse("2026-11"), Money.Currency.USD, Statement.Open, DateTimeOffset.UnixEpoch, lines);
        Assert.Equal(statement.Totals, Statement.TotalsOf(Money.Currency.USD, lines, rounded: false));
        var rounded = Statement.TotalsOf(Money.Currency.USD, lines, rounded: true);
        Assert.Equal((10.01m + 20.00m, -3.34m, 1.12m, 10.01m + 20.00m - 3.34m + 1.12m), (rounded.Earnings.Amount, rounded.Clawbacks.Amount, rounded.Adjustments.Amount, rounded.Net.Amount));

        // Two lines in euros: both ways name the first in the statement's order (meeting, then line id), not the first given.
        PayoutLine[] mixed = [.. lines, Line("M-7", "pipeline", LineKind.Earning, 5m, Money.Currency.Parse("EUR")), Line("M-3", "pipeline", LineKind.Earning, 5m, Money.Currency.Parse("EUR"))];
        var fromCreate = Assert.Throws<InvalidOperationException>(() => Statement.Create("sdr-ana", Periods.CompPeriod.Parse("2026-11"), Money.Currency.USD, Statement.Open, DateTimeOffset.UnixEpoch, mixed));
        var fromTotals = Assert.Throws<InvalidOperationException>(() => Statement.TotalsOf(Money.Currency.USD, mixed, rounded: true));
        Assert.Equal(fromCreate.Message, fromTotals.Message);
        Assert.Contains("M-3:pipeline", fromTotals.Message, StringComparison.Ordinal);
    }
}
