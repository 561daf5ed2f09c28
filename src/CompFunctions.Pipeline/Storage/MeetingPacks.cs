using Azure;
using Azure.Data.Tables;
using CompFunctions.Core.Meetings;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// The <c>meetings</c> table: one row per statement partition (<c>{period}|{sdrId}</c>) holding
/// every meeting of that SDR and period, gzipped in a binary layout (<see cref="MeetingPackLayout"/>; rows
/// written before it hold JSON, read as well and rewritten in it when next written whole). An evaluation reads its month and the month before with two point reads; a night
/// writes one row per partition with a changed meeting, atomically.
/// <para>
/// A night that changes a few meetings of a month (at most <see cref="ChangesKeptApart"/>) does
/// not rewrite the month: it merges a <b>change set</b> into the row — one more column,
/// <c>Changed{stamp}_0</c>, holding those meetings and the ids that left, gzipped — without
/// reading it. Readers apply the row's change sets in stamp order to the pack, so every reader
/// sees the same meetings in one point read. An evaluation that finds
/// <see cref="FoldAfter"/> change sets or more folds them into the pack (under the row's ETag);
/// a night that changes more rewrites the pack whole, change sets folded in. At 1 % of a million
/// rows changed a night, ingestion read and rewrote ~1,700 month rows of ~500 meetings to change
/// ~6 meetings in each.
/// </para>
/// <para>
/// Instants are kept in UTC, as table properties keep them, so a meeting reads back the same
/// whichever way it was stored.
/// </para>
/// </summary>
public static class MeetingPacks
{
    /// <summary>The row key every pack had before packs were keyed by partition (see <see cref="RowKeyOf"/>).</summary>
    public const string SharedRowKey = "!pack";

    /// <summary>The most changed and departed meetings of one partition a night stores as a change set rather than rewriting the pack.</summary>
    public const int ChangesKeptApart = 64;

    /// <summary>How many change sets an evaluation's read lets a row carry before it folds them into the pack.</summary>
    public const int FoldAfter = 4;

    private const string ChangesPrefix = "Changed";
    private const int Attempts = 5;
    private const string MarkerPartition = "!store";
    private const string PackedMarker = "every-meeting-packed";
    private const string KeyedMarker = "every-pack-keyed-by-partition";

    /// <summary>
    /// The pack's row key: not a meeting id (ids never hold '!'), so rows from before packs cannot
    /// collide with it; and a key of its own. Azurite finds a row by its row key first, then
    /// compares partition keys one by one: while every pack shared one row key, each point read and
    /// write of a pack compared every pack of the table (2,000 at 500 SDRs, whatever the export's
    /// size) — a fifth of the emulator's time storing a night's changes. Azure is indifferent.
    /// </summary>
    public static string RowKeyOf(string partition) => SharedRowKey + "|" + partition;

    public static bool IsPack(TableEntity row) => row.RowKey == RowKeyOf(row.PartitionKey);

    /// <summary>
    /// The pack row for <paramref name="meetings"/> (ordered by id, so equal sets make equal rows).
    /// Its <c>Meetings</c> column counts the pack's meetings: change sets merged in later do not
    /// update it (read the meetings for the count).
    /// </summary>
    public static TableEntity ToRow(string partition, IEnumerable<Meeting> meetings)
    {
        var ordered = meetings.Select(InUtc).OrderBy(m => m.MeetingId, StringComparer.Ordinal).ToArray();
        var row = new TableEntity(partition, RowKeyOf(partition)) { ["Meetings"] = ordered.Length };
        GzipJson.Set(row, (Stream stream) => MeetingPackLayout.Write(stream, ordered), $"The {ordered.Length:N0} meetings of {partition}", MeetingPackLayout.Prefix);
        return row;
    }

    /// <summary>The row's meetings: its pack with its change sets applied (ordered by id).</summary>
    public static Meeting[] FromRow(TableEntity row)
    {
        var pack = PackOf(row);
        var changes = ChangeSetsOf(row);
        if (changes.Count == 0)
        {
            return pack;
        }

        var byId = new Dictionary<string, Meeting>(pack.Length, StringComparer.Ordinal);
        foreach (var meeting in pack)
        {
            byId[meeting.MeetingId] = meeting;
        }

        foreach (var prefix in changes)
        {
            var set = GzipJson.Get(row, StoredJson.Default.MeetingChanges, prefix)!;
            foreach (var id in set.Removed)
            {
                byId.Remove(id);
            }

            foreach (var meeting in set.Meetings)
            {
                byId[meeting.MeetingId] = meeting;
            }
        }

        var meetings = byId.Values.ToArray();
        Array.Sort(meetings, static (a, b) => string.CompareOrdinal(a.MeetingId, b.MeetingId));
        return meetings;
    }

    /// <summary>
    /// The row's pack, change sets not applied: in <see cref="MeetingPackLayout"/>, or — written
    /// before it, until the row is next written whole — as gzipped JSON.
    /// </summary>
    private static Meeting[] PackOf(TableEntity row)
    {
        using (var packed = GzipJson.Open(row, MeetingPackLayout.Prefix))
        {
            if (packed is not null)
            {
                return MeetingPackLayout.Read(packed);
            }
        }

        return GzipJson.Get(row, StoredJson.Default.MeetingArray) ?? [];
    }

    /// <summary>The prefixes of the row's change sets, oldest first.</summary>
    public static List<string> ChangeSetsOf(TableEntity row)
    {
        var prefixes = new List<string>();
        foreach (var key in row.Keys)
        {
            if (key.StartsWith(ChangesPrefix, StringComparison.Ordinal) && key.EndsWith("_0", StringComparison.Ordinal))
            {
                prefixes.Add(key[..^1]);
            }
        }

        prefixes.Sort(StringComparer.Ordinal);
        return prefixes;
    }

    /// <summary>Every meeting of one SDR and period (none when nothing was stored there).</summary>
    public static Task<Meeting[]> ReadAsync(TableClient table, string partition, CancellationToken cancellationToken) =>
        ReadAsync(table, partition, fold: false, cancellationToken);

    /// <summary>
    /// Like <see cref="ReadAsync(TableClient, string, CancellationToken)"/>, and folds the row's change sets into its pack when it carries
    /// <see cref="FoldAfter"/> or more: the meetings read are written back as one pack, under the
    /// row's ETag (a row changed since is left as it is: the next read folds it).
    /// </summary>
    public static Task<Meeting[]> ReadAndFoldAsync(TableClient table, string partition, CancellationToken cancellationToken) =>
        ReadAsync(table, partition, fold: true, cancellationToken);

    private static async Task<Meeting[]> ReadAsync(TableClient table, string partition, bool fold, CancellationToken cancellationToken)
    {
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, RowKeyOf(partition), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!found.HasValue)
        {
            return [];
        }

        var row = found.Value!;
        var meetings = FromRow(row);
        if (fold && ChangeSetsOf(row).Count >= FoldAfter)
        {
            try
            {
                await WriteAsync(table, partition, row.ETag, meetings, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Changed (or removed) since it was read: folding waits for the next read.
            }
        }

        return meetings;
    }

    /// <summary>
    /// A change set's column prefix for changes made at <paramref name="at"/>: sorts as the
    /// instants do, so sets apply in the order they were made.
    /// </summary>
    public static string ChangeSetPrefix(DateTimeOffset at) =>
        ChangesPrefix + at.UtcDateTime.ToString("yyyyMMddHHmmssfffffff", System.Globalization.CultureInfo.InvariantCulture) + "_";

    /// <summary>
    /// Stores <paramref name="upserts"/> in the partition's row (replacing meetings with the same
    /// id) and takes <paramref name="removals"/> out of it. A few changes (at most
    /// <see cref="ChangesKeptApart"/>) go into the row as a change set made at
    /// <paramref name="at"/>, merged in without reading the row; more are read, applied and the
    /// pack written back whole under the row's ETag, again on a conflict, so concurrent writers of
    /// one partition lose nothing. <paramref name="fresh"/>: the caller believes nothing is stored
    /// there yet, so it adds the row without reading (and falls back to reading if it was wrong).
    /// </summary>
    public static async Task ApplyAsync(
        TableClient table, string partition, IReadOnlyCollection<Meeting> upserts, IReadOnlySet<string> removals, bool fresh, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!fresh && upserts.Count + removals.Count is > 0 and <= ChangesKeptApart)
        {
            try
            {
                await table.UpsertEntityAsync(ChangeSetRow(partition, upserts, removals, at), TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 400 or 413)
            {
                // The row has no room for another set (its sets were not folded): rewritten whole below, which folds them.
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (fresh && attempt == 1)
                {
                    if (upserts.Count > 0)
                    {
                        await table.AddEntityAsync(ToRow(partition, upserts), cancellationToken).ConfigureAwait(false);
                    }

                    return;
                }

                var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, RowKeyOf(partition), cancellationToken: cancellationToken).ConfigureAwait(false);
                if (!found.HasValue)
                {
                    await WriteAsync(table, partition, null, upserts, cancellationToken).ConfigureAwait(false);
                    return;
                }

                if (ChangeSetsOf(found.Value!).Count > 0)
                {
                    // Change sets are folded in: the meetings are read whole, changed and written as one pack.
                    var meetings = FromRow(found.Value!).Where(m => !removals.Contains(m.MeetingId)).ToDictionary(m => m.MeetingId, StringComparer.Ordinal);
                    foreach (var meeting in upserts)
                    {
                        meetings[meeting.MeetingId] = meeting;
                    }

                    await WriteAsync(table, partition, found.Value!.ETag, meetings.Values, cancellationToken).ConfigureAwait(false);
                    return;
                }

                await MergeAsync(table, found.Value!, upserts, removals, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < Attempts)
            {
                // Someone else wrote the partition since we read it (or it was not fresh): read again.
            }
        }
    }

    /// <summary>A row holding only the change set (merged into the stored row, it adds the set's columns and keeps the rest).</summary>
    public static TableEntity ChangeSetRow(string partition, IReadOnlyCollection<Meeting> upserts, IReadOnlySet<string> removals, DateTimeOffset at)
    {
        var set = new MeetingChanges([.. removals.Order(StringComparer.Ordinal)], [.. upserts.Select(InUtc).OrderBy(m => m.MeetingId, StringComparer.Ordinal)]);
        var row = new TableEntity(partition, RowKeyOf(partition));
        GzipJson.Set(row, set, StoredJson.Default.MeetingChanges, $"The {upserts.Count:N0} changed meetings of {partition}", ChangeSetPrefix(at));
        return row;
    }

    /// <summary>
    /// Once per store each, recorded when done, safe to run again after a crash: moves packs stored
    /// under the row key they once shared to their own (<see cref="RowKeyOf"/>), then moves
    /// meetings stored one row each (before packs) into their partition's pack and deletes those
    /// rows. In that order: folding old rows in reads and writes packs under their own key.
    /// </summary>
    public static async Task PackExistingAsync(TableClient table, CancellationToken cancellationToken)
    {
        await OnceAsync(table, KeyedMarker, () => KeyPacksByPartitionAsync(table, cancellationToken), cancellationToken).ConfigureAwait(false);
        await OnceAsync(table, PackedMarker, () => PackRowsFromBeforePacksAsync(table, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The first half of <see cref="PackExistingAsync"/>, whatever its marker says. Returns how many packs it moved.</summary>
    public static async Task<int> KeyPacksByPartitionAsync(TableClient table, CancellationToken cancellationToken)
    {
        var moved = 0;
        var filter = TableClient.CreateQueryFilter($"RowKey eq {SharedRowKey}");
        await foreach (var shared in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var own = new TableEntity(shared.PartitionKey, RowKeyOf(shared.PartitionKey));
            foreach (var (name, value) in shared.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")))
            {
                own[name] = value;
            }

            try
            {
                await table.AddEntityAsync(own, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Moved already by a run that stopped before deleting the shared-key row; the moved row may be newer.
            }

            await table.DeleteEntityAsync(shared.PartitionKey, SharedRowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            moved++;
        }

        return moved;
    }

    private static async Task OnceAsync(TableClient table, string marker, Func<Task> work, CancellationToken cancellationToken)
    {
        if ((await table.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, marker, cancellationToken: cancellationToken).ConfigureAwait(false)).HasValue)
        {
            return;
        }

        await work().ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(MarkerPartition, marker) { ["At"] = DateTimeOffset.UtcNow }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The work of <see cref="PackExistingAsync"/>, whatever the marker says. Returns how many meetings it moved.</summary>
    public static async Task<int> PackRowsFromBeforePacksAsync(TableClient table, CancellationToken cancellationToken)
    {
        var moved = 0;
        await foreach (var (partition, rows) in TablePartition.EachAsync(table, r => !r.RowKey.StartsWith('!') && !r.PartitionKey.StartsWith('!'), cancellationToken).ConfigureAwait(false))
        {
            // The pack, where there is one, is newer than rows from before packs.
            var packed = (await ReadAsync(table, partition, cancellationToken).ConfigureAwait(false)).Select(m => m.MeetingId).ToHashSet(StringComparer.Ordinal);
            var older = rows.Select(MeetingEntities.FromEntity).Where(m => !packed.Contains(m.MeetingId)).ToArray();
            await ApplyAsync(table, partition, older, new HashSet<string>(), fresh: false, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
            await TableBatches.SubmitAsync(table, rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken).ConfigureAwait(false);
            moved += rows.Count;
        }

        return moved;
    }

    /// <summary>
    /// Rewrites a stored pack (one without change sets) with <paramref name="upserts"/> in and
    /// <paramref name="removals"/> out, under its ETag; an emptied pack's row is deleted.
    /// </summary>
    private static async Task MergeAsync(TableClient table, TableEntity stored, IReadOnlyCollection<Meeting> upserts, IReadOnlySet<string> removals, CancellationToken cancellationToken)
    {
        var meetings = new Dictionary<string, Meeting>(StringComparer.Ordinal);
        foreach (var meeting in PackOf(stored))
        {
            if (!removals.Contains(meeting.MeetingId))
            {
                meetings[meeting.MeetingId] = meeting;
            }
        }

        foreach (var meeting in upserts)
        {
            meetings[meeting.MeetingId] = meeting;
        }

        await WriteAsync(table, stored.PartitionKey, stored.ETag, meetings.Values, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteAsync(TableClient table, string partition, ETag? etag, IReadOnlyCollection<Meeting> meetings, CancellationToken cancellationToken)
    {
        if (etag is null)
        {
            if (meetings.Count > 0)
            {
                await table.AddEntityAsync(ToRow(partition, meetings), cancellationToken).ConfigureAwait(false);
            }
        }
        else if (meetings.Count == 0)
        {
            await table.DeleteEntityAsync(partition, RowKeyOf(partition), etag.Value, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await table.UpdateEntityAsync(ToRow(partition, meetings), etag.Value, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The meeting with its instants in UTC, as a pack keeps them.</summary>
    internal static Meeting InUtc(Meeting m) => m with
    {
        BookedAt = m.BookedAt.ToUniversalTime(),
        ScheduledFor = m.ScheduledFor.ToUniversalTime(),
        AeDecisionAt = m.AeDecisionAt?.ToUniversalTime(),
        OpportunityCreatedAt = m.OpportunityCreatedAt?.ToUniversalTime(),
        ClosedAt = m.ClosedAt?.ToUniversalTime(),
        LastModifiedAt = m.LastModifiedAt?.ToUniversalTime(),
    };
}

/// <summary>What one night changed in one partition's meetings: the ids that left it and the meetings that are new or changed (a change set).</summary>
public sealed record MeetingChanges(string[] Removed, Meeting[] Meetings);
