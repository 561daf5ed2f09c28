using Azure.Data.Tables;
using CompFunctions.Core.Meetings;
using CompFunctions.Pipeline.Storage;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>Month rows keep their meetings in a binary layout; rows written as JSON before it still read, and are rewritten in it. (SDR it-packbin, June 2028.)</summary>
[Collection(PipelineCollection.Name)]
public sealed class MeetingPackLayoutTests(PipelineFixture pipeline)
{
    [Fact]
    public void Every_value_of_every_field_and_enum_reads_back_equal_instants_in_utc_amounts_with_their_scale()
    {
        var meetings = Enum.GetValues<MeetingStatus>().Select((status, i) => Full($"T-PB-S{i}") with { Status = status })
            .Concat(Enum.GetValues<AeDecision>().Select((decision, i) => Full($"T-PB-D{i}") with { AeDecision = decision }))
            .Concat(Enum.GetValues<LeadScore>().Select((score, i) => Full($"T-PB-L{i}") with { LeadScore = score }))
            .Concat(Enum.GetValues<LeadSource>().Select((source, i) => Full($"T-PB-O{i}") with { Source = source }))
            .Append(Bare("T-PB-BARE"))
            .Append(Full("T-PB-EXTREME") with { OpportunityAmount = -79228162514264337593543950335m, EmployeeCount = int.MaxValue, SourceRef = new SourceRef("exports/ü/👍.csv", long.MaxValue) })
            .ToArray();

        var read = MeetingPacks.FromRow(MeetingPacks.ToRow("2028-06|it-packbin", meetings));

        Assert.Equal(meetings.Select(MeetingPacks.InUtc).OrderBy(m => m.MeetingId, StringComparer.Ordinal), read);
        Assert.All(read, m => Assert.Equal(TimeSpan.Zero, m.BookedAt.Offset));
        Assert.Equal("48000.10", read.First(m => m.MeetingId == "T-PB-S0").OpportunityAmount!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(read.First(m => m.MeetingId == "T-PB-BARE").LastModifiedAt);
    }

    [Fact]
    public async Task A_month_row_stored_as_json_before_the_binary_layout_reads_as_it_did_and_is_rewritten_in_it_when_written_whole()
    {
        var table = pipeline.Tables.GetTableClient(Tables.Meetings);
        const string Partition = "2028-06|it-packbin";
        var stored = Enumerable.Range(1, 5).Select(i => Full($"T-PB-J{i}")).Select(MeetingPacks.InUtc).ToArray();
        // What the version before wrote: the pack as gzipped JSON, under the default prefix.
        var old = new TableEntity(Partition, MeetingPacks.RowKeyOf(Partition)) { ["Meetings"] = stored.Length };
        GzipJson.Set(old, stored, StoredJson.Default.MeetingArray, "an old pack");
        await table.UpsertEntityAsync(old, TableUpdateMode.Replace);

        Assert.Equal(stored, await MeetingPacks.ReadAsync(table, Partition, CancellationToken.None));

        // More changes than a change set keeps apart: the pack is rewritten whole, in the binary layout, the JSON gone.
        var upserts = Enumerable.Range(1, MeetingPacks.ChangesKeptApart + 1).Select(i => Bare($"T-PB-N{i:D3}")).ToArray();
        await MeetingPacks.ApplyAsync(table, Partition, upserts, new HashSet<string> { "T-PB-J2" }, fresh: false, DateTimeOffset.UtcNow, CancellationToken.None);

        var row = (await table.GetEntityAsync<TableEntity>(Partition, MeetingPacks.RowKeyOf(Partition))).Value;
        Assert.Contains(MeetingPackLayout.Prefix + "0", row.Keys);
        Assert.DoesNotContain(row.Keys, k => k.StartsWith("Data", StringComparison.Ordinal));
        Assert.Equal(
            stored.Where(m => m.MeetingId != "T-PB-J2").Concat(upserts.Select(MeetingPacks.InUtc)).OrderBy(m => m.MeetingId, StringComparer.Ordinal),
            MeetingPacks.FromRow(row));
        await table.DeleteEntityAsync(Partition, MeetingPacks.RowKeyOf(Partition));
    }

    [Fact]
    public void A_pack_of_another_layout_or_cut_short_is_refused_naming_what_is_wrong()
    {
        var row = MeetingPacks.ToRow("2028-06|it-packbin", [Full("T-PB-X1")]);
        using var original = new MemoryStream();
        using (var stream = GzipJson.Open(row, MeetingPackLayout.Prefix)!)
        {
            stream.CopyTo(original);
        }

        var bytes = original.ToArray();
        var newer = bytes.ToArray();
        newer[0] = 9;

        Assert.Contains("layout 9", Assert.Throws<InvalidDataException>(() => MeetingPackLayout.Read(new MemoryStream(newer))).Message);
        Assert.Contains("ends before", Assert.Throws<InvalidDataException>(() => MeetingPackLayout.Read(new MemoryStream(bytes[..^3]))).Message);
    }

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Only what a meeting must have.</summary>
    private static Meeting Bare(string id) => new()
    {
        MeetingId = id, SdrId = "it-packbin", AeId = "ae-pb",
        BookedAt = At("2028-06-03T10:00:00-07:00"), ScheduledFor = At("2028-06-04T10:00:00-07:00"),
        Status = MeetingStatus.Scheduled, SourceRef = new SourceRef("it/packbin/night.csv", 2),
    };

    /// <summary>Every field set, texts beyond ASCII, instants at other offsets.</summary>
    private static Meeting Full(string id) => Bare(id) with
    {
        Status = MeetingStatus.Held, AeDecision = AeDecision.Rejected, AeDecisionAt = At("2028-06-04T12:00:00+05:30"),
        RejectionReason = "Not a fit", AccountName = "Zürich Ölwerke \"AG\"", ContactTitle = "VP, Ops", Industry = "Software",
        EmployeeCount = 0, LeadScore = LeadScore.B, Segment = "Mid-Market", Source = LeadSource.Outbound,
        ExceptionApproved = true, ExceptionApprovedBy = "rev-ops@example.com", OpportunityId = "OPP-" + id,
        OpportunityStage = "Negotiation", HighestStage = "Proposal", OpportunityAmount = 48000.10m, Currency = "EUR",
        OpportunityCreatedAt = At("2028-06-05T09:00:00Z"), ClosedAt = At("2028-06-20T09:00:00-03:00"), CloseReason = "Lost on price",
        LastModifiedAt = At("2028-06-21T01:02:03.4567891+01:00"), FurthestStage = "Negotiation",
    };
}
