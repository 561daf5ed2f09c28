using Azure.Data.Tables;
using CompFunctions.Core.Meetings;
using CompFunctions.Pipeline.Storage;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>Meetings are stored one row per SDR and month; rows an earlier version stored one per meeting are moved into it. (SDR it-packs, April 2028.)</summary>
[Collection(PipelineCollection.Name)]
public sealed class MeetingPacksTests(PipelineFixture pipeline)
{
    private const string Partition = "2028-04|it-packs";

    [Fact]
    public async Task A_pack_reads_back_every_value_of_every_meeting_with_instants_in_utc()
    {
        var table = pipeline.Tables.GetTableClient(Tables.Meetings);
        var meetings = new[] { Meeting("T-PK-RT-2", MeetingStatus.NoShow), Meeting("T-PK-RT-1", MeetingStatus.Held) with { OpportunityAmount = 48000.10m, Currency = "EUR", ClosedAt = At("2028-04-20T09:00:00+02:00") } };

        await table.UpsertEntityAsync(MeetingPacks.ToRow("roundtrip|pack", meetings));
        var read = await MeetingPacks.ReadAsync(table, "roundtrip|pack", CancellationToken.None);

        Assert.Equal(
            meetings.OrderBy(m => m.MeetingId, StringComparer.Ordinal).Select(m => m with
            {
                BookedAt = m.BookedAt.ToUniversalTime(),
                ScheduledFor = m.ScheduledFor.ToUniversalTime(),
                ClosedAt = m.ClosedAt?.ToUniversalTime(),
            }),
            read);
        Assert.Equal("48000.10", read[0].OpportunityAmount!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await table.DeleteEntityAsync("roundtrip|pack", MeetingPacks.RowKeyOf("roundtrip|pack"));
    }

    [Fact]
    public async Task Meetings_an_earlier_version_stored_one_row_each_are_moved_into_their_pack_and_count_with_tonights()
    {
        var table = pipeline.Tables.GetTableClient(Tables.Meetings);
        // What an earlier version wrote: a row per meeting. The index does not know them (their partition looks empty to ingestion).
        await table.UpsertEntityAsync(MeetingEntities.ToEntity(Meeting("T-PK-1", MeetingStatus.Held), Partition));
        await table.UpsertEntityAsync(MeetingEntities.ToEntity(Meeting("T-PK-2", MeetingStatus.NoShow), Partition));

        Assert.True(await MeetingPacks.PackRowsFromBeforePacksAsync(table, CancellationToken.None) >= 2);

        var rows = await TablePartition.ReadAsync(table, Partition, CancellationToken.None);
        Assert.Equal([MeetingPacks.RowKeyOf(Partition)], rows.Select(r => r.RowKey));
        Assert.Equal(["T-PK-1", "T-PK-2"], MeetingPacks.FromRow(rows[0]).Select(m => m.MeetingId));

        // Tonight's export brings a third meeting of the same SDR and month: it joins the pack, it does not replace it.
        await pipeline.WaitForRunAsync(await pipeline.DropExportAsync("it/packs/night.csv", CsvRows.File(
            CsvRows.Held("T-PK-3", "it-packs", bookedAt: "2028-04-05T10:00:00-07:00", scheduledFor: "2028-04-06T10:00:00-07:00"))));
        var statement = await pipeline.WaitForStatementAsync("2028-04", "it-packs");

        Assert.Equal(["T-PK-1", "T-PK-2", "T-PK-3"], (await MeetingPacks.ReadAsync(table, Partition, CancellationToken.None)).Select(m => m.MeetingId));
        Assert.Equal(["T-PK-1", "T-PK-3"], statement.Lines.Where(l => l.Amount > 0).Select(l => l.MeetingId).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_pack_stored_under_the_row_key_packs_once_shared_moves_to_its_own_and_keeps_every_meeting()
    {
        var table = pipeline.Tables.GetTableClient(Tables.Meetings);
        const string Shared = "2028-05|it-packs-shared";
        const string Both = "2028-05|it-packs-both";
        var meetings = new[] { Meeting("T-PK-SK-1", MeetingStatus.Held), Meeting("T-PK-SK-2", MeetingStatus.NoShow) };
        // What an earlier version wrote: the pack under the shared key. And a partition a stopped move left both ways (the own key is newer).
        await table.UpsertEntityAsync(SharedKeyed(MeetingPacks.ToRow(Shared, meetings)));
        await table.UpsertEntityAsync(SharedKeyed(MeetingPacks.ToRow(Both, meetings[..1])));
        await table.UpsertEntityAsync(MeetingPacks.ToRow(Both, meetings));

        Assert.True(await MeetingPacks.KeyPacksByPartitionAsync(table, CancellationToken.None) >= 2);

        foreach (var partition in new[] { Shared, Both })
        {
            var rows = await TablePartition.ReadAsync(table, partition, CancellationToken.None);
            Assert.Equal([MeetingPacks.RowKeyOf(partition)], rows.Select(r => r.RowKey));
            Assert.Equal(["T-PK-SK-1", "T-PK-SK-2"], (await MeetingPacks.ReadAsync(table, partition, CancellationToken.None)).Select(m => m.MeetingId));
        }
    }

    private static TableEntity SharedKeyed(TableEntity pack)
    {
        pack.RowKey = MeetingPacks.SharedRowKey;
        return pack;
    }

    [Fact]
    public async Task A_few_changes_go_into_the_row_as_a_change_set_leaving_the_pack_as_it_was_and_read_back_applied()
    {
        var table = pipeline.Tables.GetTableClient(Tables.Meetings);
        const string partition = "changes|pack";
        var stored = Enumerable.Range(1, 9).Select(i => Meeting($"T-PK-CS-{i}", MeetingStatus.Held) with { ContactTitle = $"VP \"Sales\" é {i}" }).ToArray();
        await table.UpsertEntityAsync(MeetingPacks.ToRow(partition, stored));

        // One changed (given in another offset: read back in UTC), one new between existing ids, one new at the end, two moved out.
        var changed = stored[4] with { Status = MeetingStatus.NoShow, BookedAt = At("2028-04-03T19:00:00+02:00") };
        var upserts = new[] { Meeting("T-PK-CS-99", MeetingStatus.Held), changed, Meeting("T-PK-CS-10", MeetingStatus.Cancelled) };
        await MeetingPacks.ApplyAsync(table, partition, upserts, new HashSet<string> { "T-PK-CS-1", "T-PK-CS-7" }, fresh: false, At("2028-05-01T02:00:00Z"), CancellationToken.None);

        var row = (await table.GetEntityAsync<TableEntity>(partition, MeetingPacks.RowKeyOf(partition))).Value;
        Assert.Equal(PackOf(MeetingPacks.ToRow(partition, stored)), PackOf(row));
        Assert.Single(MeetingPacks.ChangeSetsOf(row));

        var expected = stored.Where(m => m.MeetingId is not ("T-PK-CS-1" or "T-PK-CS-7" or "T-PK-CS-5")).Concat(upserts).ToArray();
        Assert.Equal(MeetingPacks.FromRow(MeetingPacks.ToRow(partition, expected)), await MeetingPacks.ReadAsync(table, partition, CancellationToken.None));
        Assert.Equal(MeetingStatus.NoShow, (await MeetingPacks.ReadAsync(table, partition, CancellationToken.None)).Single(m => m.MeetingId == "T-PK-CS-5").Status);
        await table.DeleteEntityAsync(partition, MeetingPacks.RowKeyOf(partition));
    }

    [Fact]
    public async Task Change_sets_apply_in_the_order_they_were_made_and_a_read_that_finds_enough_of_them_folds_them_into_the_pack()
    {
        var table = pipeline.Tables.GetTableClient(Tables.Meetings);
        const string partition = "fold|pack";
        var stored = Enumerable.Range(1, 5).Select(i => Meeting($"T-PK-FD-{i}", MeetingStatus.Held)).ToArray();
        await table.UpsertEntityAsync(MeetingPacks.ToRow(partition, stored));
        var none = new HashSet<string>();

        // Night by night: a no-show, then held again (the later set wins), a new meeting, one gone.
        var nights = new (Meeting[] Upserts, HashSet<string> Removals)[]
        {
            ([stored[1] with { Status = MeetingStatus.NoShow }], none),
            ([stored[1] with { Status = MeetingStatus.Held, Industry = "Fintech" }], none),
            ([Meeting("T-PK-FD-6", MeetingStatus.Held)], none),
            ([], ["T-PK-FD-3"]),
        };
        Assert.Equal(MeetingPacks.FoldAfter, nights.Length);
        for (var night = nights.Length - 1; night >= 0; night--)
        {
            // Written in reverse: the stamps, not the order of writing, decide.
            await MeetingPacks.ApplyAsync(table, partition, nights[night].Upserts, nights[night].Removals, fresh: false, At("2028-05-01T02:00:00Z").AddDays(night), CancellationToken.None);
        }

        var expected = stored.Where(m => m.MeetingId != "T-PK-FD-3").Select(m => m.MeetingId == "T-PK-FD-2" ? nights[1].Upserts[0] : m).Append(nights[2].Upserts[0]).ToArray();
        Assert.Equal(MeetingPacks.FromRow(MeetingPacks.ToRow(partition, expected)), await MeetingPacks.ReadAndFoldAsync(table, partition, CancellationToken.None));

        var folded = (await table.GetEntityAsync<TableEntity>(partition, MeetingPacks.RowKeyOf(partition))).Value;
        Assert.Empty(MeetingPacks.ChangeSetsOf(folded));
        Assert.Equal(PackOf(MeetingPacks.ToRow(partition, expected)), PackOf(folded));
        await table.DeleteEntityAsync(partition, MeetingPacks.RowKeyOf(partition));
    }

    [Fact]
    public async Task Many_changes_rewrite_the_pack_whole_as_writing_the_whole_set_would_folding_change_sets_in_and_an_emptied_row_goes()
    {
        var table = pipeline.Tables.GetTableClient(Tables.Meetings);
        const string partition = "merge|pack";
        var stored = Enumerable.Range(1, 9).Select(i => Meeting($"T-PK-MG-{i}", MeetingStatus.Held) with { ContactTitle = $"VP \"Sales\" é {i}" }).ToArray();
        await table.UpsertEntityAsync(MeetingPacks.ToRow(partition, stored));

        // More changes than a change set takes: one changed (given in another offset: stored in UTC), new ones between and after existing ids, two moved out.
        var changed = stored[4] with { Status = MeetingStatus.NoShow, BookedAt = At("2028-04-03T19:00:00+02:00") };
        var added = Enumerable.Range(10, MeetingPacks.ChangesKeptApart).Select(i => Meeting($"T-PK-MG-{i}", MeetingStatus.Cancelled)).ToArray();
        var upserts = added.Append(changed).ToArray();
        await MeetingPacks.ApplyAsync(table, partition, upserts, new HashSet<string> { "T-PK-MG-1", "T-PK-MG-7" }, fresh: false, At("2028-05-01T02:00:00Z"), CancellationToken.None);

        var expected = stored.Where(m => m.MeetingId is not ("T-PK-MG-1" or "T-PK-MG-7" or "T-PK-MG-5")).Concat(upserts).ToArray();
        var merged = (await table.GetEntityAsync<TableEntity>(partition, MeetingPacks.RowKeyOf(partition))).Value;
        Assert.Equal(PackOf(MeetingPacks.ToRow(partition, expected)), PackOf(merged));
        Assert.Equal(expected.Length, merged.GetInt32("Meetings"));
        Assert.Equal(MeetingStatus.NoShow, MeetingPacks.FromRow(merged).Single(m => m.MeetingId == "T-PK-MG-5").Status);

        // A change set, then many changes again: the set is folded into the pack written.
        var renamed = expected[0] with { AccountName = "Renamed" };
        await MeetingPacks.ApplyAsync(table, partition, [renamed], new HashSet<string>(), fresh: false, At("2028-05-02T02:00:00Z"), CancellationToken.None);
        var more = Enumerable.Range(100, MeetingPacks.ChangesKeptApart + 1).Select(i => Meeting($"T-PK-MG-{i}", MeetingStatus.Held)).ToArray();
        await MeetingPacks.ApplyAsync(table, partition, more, new HashSet<string>(), fresh: false, At("2028-05-03T02:00:00Z"), CancellationToken.None);
        expected = [renamed, .. expected[1..], .. more];
        var rewritten = (await table.GetEntityAsync<TableEntity>(partition, MeetingPacks.RowKeyOf(partition))).Value;
        Assert.Empty(MeetingPacks.ChangeSetsOf(rewritten));
        Assert.Equal(PackOf(MeetingPacks.ToRow(partition, expected)), PackOf(rewritten));

        // Everything moved out: the row goes.
        await MeetingPacks.ApplyAsync(table, partition, [], expected.Select(m => m.MeetingId).ToHashSet(), fresh: false, At("2028-05-04T02:00:00Z"), CancellationToken.None);
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>(partition, MeetingPacks.RowKeyOf(partition))).HasValue);
    }

    [Fact]
    public void A_history_row_built_from_versions_serialized_one_by_one_holds_the_json_of_the_whole_array()
    {
        var versions = new[] { "T-PK-HV-3", "T-PK-HV-1", "T-PK-HV-2" }
            .Select(id => new MeetingVersion(id, "hash-" + id, Partition, Meeting(id, MeetingStatus.Held) with { ContactTitle = "Head of \"Ops\" ü" }))
            .ToArray();

        var row = MeetingHistory.ToRow("b00", "p00", "run-1", versions);

        var whole = System.Text.Json.JsonSerializer.Serialize(versions.OrderBy(v => v.MeetingId, StringComparer.Ordinal).ToArray(), StoredJson.Default.MeetingVersionArray);
        Assert.Equal(whole, JsonOf(row));
        Assert.Equal(("b00", "p00|run-1"), (row.PartitionKey, row.RowKey));
    }

    /// <summary>The row's pack as stored (decompressed; change sets not applied).</summary>
    private static byte[] PackOf(TableEntity row)
    {
        using var pack = new MemoryStream();
        using (var stream = GzipJson.Open(row, MeetingPackLayout.Prefix)!)
        {
            stream.CopyTo(pack);
        }

        return pack.ToArray();
    }

    private static string JsonOf(TableEntity row)
    {
        using var json = new StreamReader(GzipJson.Open(row)!);
        return json.ReadToEnd();
    }

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static Meeting Meeting(string id, MeetingStatus status) => new()
    {
        MeetingId = id, SdrId = "it-packs", AeId = "ae-bo",
        BookedAt = At("2028-04-03T10:00:00-07:00"), ScheduledFor = At("2028-04-04T10:00:00-07:00"),
        Status = status, AeDecision = AeDecision.Accepted, AeDecisionAt = At("2028-04-04T12:00:00-07:00"),
        LeadScore = LeadScore.A, EmployeeCount = 300, Industry = "Software", AccountName = "Acme " + id,
        SourceRef = new SourceRef("it/packs/older.csv", 2),
    };
}
