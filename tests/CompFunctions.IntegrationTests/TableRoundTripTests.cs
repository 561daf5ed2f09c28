using Azure.Data.Tables;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Money;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Statements;
using CompFunctions.Pipeline.Storage;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>Table Storage has no decimal type; these prove amounts survive a write and a read exactly.</summary>
[Collection(PipelineCollection.Name)]
public sealed class TableRoundTripTests(PipelineFixture pipeline)
{
    [Theory]
    [InlineData("480.00")]
    [InlineData("0.01")]
    [InlineData("-50.00")]
    [InlineData("123456789.99")]
    public async Task A_payout_line_amount_reads_back_to_the_cent(string amount)
    {
        var store = new StatementStore(pipeline.Tables);
        var money = new Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), Currency.USD);
        var line = new PayoutLine("T-RT-1:pipeline", "T-RT-1", LineKind.Earning, "pipeline", money, "round trip", ["TEST"],
            new QualificationSummary(false, null, ["industry"], "no_show"), new DocumentRef("p", 1), new DocumentRef("r", 1), new SourceRef("x.csv", 2), null);
        var partition = "2028-05|it-roundtrip-" + amount.Replace(".", "-", StringComparison.Ordinal);

        await store.WriteAsync(StatementStore.Encode(partition, new StatementBody([StoredLine.From(line)], [], [])), null, CancellationToken.None);
        var read = (await store.ReadAsync(partition, CancellationToken.None))!;

        Assert.Equal(money.Amount, read.AllLines().Single().Amount.Amount);
        Assert.Equal(amount, read.Summary.Net.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(line.Qualification.FailedCriteria, read.AllLines().Single().Qualification.FailedCriteria);
        var (period, sdr) = Tables.SplitSdrPeriodKey(partition);
        await pipeline.Tables.GetTableClient(Tables.Statements).DeleteEntityAsync(period, sdr);
    }

    [Fact]
    public async Task A_meeting_reads_back_with_every_value()
    {
        var table = pipeline.Tables.GetTableClient(Tables.Meetings);
        var meeting = new Meeting
        {
            MeetingId = "T-RT-2", SdrId = "it-rt", AeId = "ae-bo",
            BookedAt = DateTimeOffset.Parse("2026-11-03T15:10:00-08:00", System.Globalization.CultureInfo.InvariantCulture),
            ScheduledFor = DateTimeOffset.Parse("2026-11-06T10:00:00-08:00", System.Globalization.CultureInfo.InvariantCulture),
            Status = MeetingStatus.NoShow, AeDecision = AeDecision.Rejected, LeadScore = LeadScore.C, Source = LeadSource.Inbound,
            EmployeeCount = 40, Industry = "Hospitality", OpportunityAmount = 48000.01m, Currency = "USD", FurthestStage = "Negotiation",
            ExceptionApproved = true, SourceRef = new SourceRef("x.csv", 7),
        };

        await table.UpsertEntityAsync(MeetingEntities.ToEntity(meeting, "roundtrip|meeting"));
        var read = MeetingEntities.FromEntity(await table.GetEntityAsync<TableEntity>("roundtrip|meeting", "T-RT-2"));

        Assert.Equal(meeting with { BookedAt = meeting.BookedAt.ToUniversalTime(), ScheduledFor = meeting.ScheduledFor.ToUniversalTime() }, read);
        await table.DeleteEntityAsync("roundtrip|meeting", "T-RT-2");
    }
}
