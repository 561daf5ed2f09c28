using CompFunctions.Core.Periods;
using CompFunctions.Pipeline.Evaluation;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>The evaluation queue's message: one per SDR, its periods in order; messages of earlier versions still read; bad ones named.</summary>
public sealed class EvaluationRequestTests
{
    [Fact]
    public void Partitions_become_one_message_per_sdr_with_its_periods_in_order()
    {
        var requests = EvaluationRequest.For(["2026-11|sdr-b", "2026-10|sdr-a", "2026-09|sdr-b", "2026-11|sdr-a", "2026-10|sdr-b", "2026-10|sdr-a"], "run-1").ToArray();

        Assert.Equal(2, requests.Length);
        Assert.Equal(["sdr-a 2026-10,2026-11 run-1", "sdr-b 2026-09,2026-10,2026-11 run-1"], requests.Select(r => $"{r.SdrId} {string.Join(',', r.Periods)} {r.RunId}"));
    }

    [Fact]
    public void More_periods_than_a_message_holds_are_cut_into_consecutive_messages()
    {
        var partitions = Enumerable.Range(0, 30).Select(i => $"{new CompPeriod(2024 + (i / 12), (i % 12) + 1)}|sdr-a");

        var requests = EvaluationRequest.For(partitions, null).ToArray();

        Assert.Equal([12, 12, 6], requests.Select(r => r.Periods.Count));
        Assert.Equal(["2024-01", "2025-01", "2026-01"], requests.Select(r => r.Periods[0]));
    }

    [Fact]
    public void A_message_reads_back_as_it_was_written()
    {
        var sent = new EvaluationRequest("sdr-a", ["2026-10", "2026-11"], "run-1");

        Assert.True(EvaluationRequest.TryParse(sent.ToJson(), out var read, out var periods, out var problem), problem);
        Assert.Equal(sent.SdrId, read!.SdrId);
        Assert.Equal(sent.Periods, read.Periods);
        Assert.Equal(sent.RunId, read.RunId);
        Assert.Equal([new CompPeriod(2026, 10), new CompPeriod(2026, 11)], periods);
        Assert.DoesNotContain("\"period\"", sent.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_one_period_message_of_an_earlier_version_still_reads()
    {
        Assert.True(EvaluationRequest.TryParse("""{"sdrId":"sdr-a","period":"2026-11","runId":"run-0"}""", out var read, out var periods, out var problem), problem);
        Assert.Equal([new CompPeriod(2026, 11)], periods);
        Assert.Equal("run-0", read!.RunId);
    }

    [Fact]
    public void Periods_come_out_once_each_and_in_order_whatever_the_message_says()
    {
        Assert.True(EvaluationRequest.TryParse("""{"sdrId":"sdr-a","periods":["2026-11","2026-09","2026-11"],"period":"2026-10"}""", out _, out var periods, out var problem), problem);
        Assert.Equal([new CompPeriod(2026, 9), new CompPeriod(2026, 10), new CompPeriod(2026, 11)], periods);
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("""{"sdrId":"sdr-a","periods":["2026-13"]}""", "\"2026-13\" is not a period")]
    [InlineData("""{"sdrId":"sdr-a","periods":[]}""", "expected {\"sdrId\"")]
    [InlineData("""{"periods":["2026-11"]}""", "expected {\"sdrId\"")]
    [InlineData("""{"sdrId":"sdr-a","periods":["2026-01","2026-02","2026-03","2026-04","2026-05","2026-06","2026-07","2026-08","2026-09","2026-10","2026-11","2026-12","2027-01"]}""", "at most 12 periods")]
    public void A_malformed_message_is_refused_with_what_is_wrong(string message, string expected)
    {
        Assert.False(EvaluationRequest.TryParse(message, out var request, out var periods, out var problem));
        Assert.Null(request);
        Assert.Empty(periods);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }
}
