using Azure;
using Azure.Data.Tables;
using CompFunctions.Core.Meetings;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// The <c>meetings</c> table: one row per statement partition (<c>{period}|{sdrId}</c>) holding
/// every meeting of that SDR and period, as gzipped JSON (<see cref="GzipJson"/>). An evaluation reads its month and the month before with two point reads; a night
/// writes one row per partition with a changed meeting, atomically, under an ETag condition.
/// <para>
/// Instants are kept in UTC, as table properties keep them, so a meeting reads back the same
/// whichever way it was stored.
/// </para>
/// </summary>
public static class MeetingPacks
{
    /// <summary>The pack's row key: not a meeting id (ids never hold '!'), so rows from before packs cannot collide with it.</summary>
    public const string RowKey = "!pack";

    private const int Attempts = 5;
    private const string MarkerPartition = "!store";
    private const string PackedMarker = "every-meeting-packed";

    public static bool IsPack(TableEntity row) => row.RowKey == RowKey;

    /// <summary>The pack row for <paramref name="meetings"/> (ordered by id, so equal sets make equal rows).</summary>
    public static TableEntity ToRow(string partition, IEnumerable<Meeting> meetings)
    {
        var ordered = meetings.Select(InUtc).OrderBy(m => m.MeetingId, StringComparer.Ordinal).ToArray();
        var row = new TableEntity(partition, RowKey) { ["Meetings"] = ordered.Length };
        GzipJson.Set(row, ordered, StoredJson.Default.MeetingArray, $"The {ordered.Length:N0} meetings of {partition}");
        return row;
    }

    public static Meeting[] FromRow(TableEntity row) => GzipJson.Get(row, StoredJson.Default.MeetingArray) ?? [];

    /// <summary>Every meeting of one SDR and period (none when nothing was stored there).</summary>
    public static async Task<Meeting[]> ReadAsync(TableClient table, string partition, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(partition, RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? FromRow(row.Value!) : [];
    }

    /// <summary>
    /// Stores <paramref name="upserts"/> in the partition's pack (replacing meetings with the same
    /// id) and takes <paramref name="removals"/> out of it. Read, changed and written back under the
    /// row's ETag, again on a conflict, so concurrent writers of one partition lose nothing.
    /// <paramref name="fresh"/>: the caller believes nothing is stored there yet, so it adds the row
    /// without reading (and falls back to reading if it was wrong).
    /// </summary>
    public static async Task ApplyAsync(
        TableClient table, string partition, IReadOnlyCollection<Meeting> upserts, IReadOnlySet<string> removals, bool fresh, CancellationToken cancellationToken)
    {
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

                var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
                var stored = found.HasValue ? FromRow(found.Value!) : [];
                var meetings = stored.Where(m => !removals.Contains(m.MeetingId)).ToDictionary(m => m.MeetingId, StringComparer.Ordinal);
                foreach (var meeting in upserts)
                {
                    meetings[meeting.MeetingId] = meeting;
                }

                await WriteAsync(table, partition, found.HasValue ? found.Value!.ETag : null, meetings.Values, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < Attempts)
            {
                // Someone else wrote the partition since we read it (or it was not fresh): read again.
            }
        }
    }

    /// <summary>
    /// Once per store: moves meetings stored one row each (before packs) into their partition's
    /// pack and deletes those rows, then records that it is done. Safe to run again after a crash.
    /// </summary>
    public static async Task PackExistingAsync(TableClient table, CancellationToken cancellationToken)
    {
        if ((await table.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, PackedMarker, cancellationToken: cancellationToken).ConfigureAwait(false)).HasValue)
        {
            return;
        }

        await PackRowsFromBeforePacksAsync(table, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(MarkerPartition, PackedMarker) { ["At"] = DateTimeOffset.UtcNow }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
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
            await ApplyAsync(table, partition, older, new HashSet<string>(), fresh: false, cancellationToken).ConfigureAwait(false);
            await TableBatches.SubmitAsync(table, rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken).ConfigureAwait(false);
            moved += rows.Count;
        }

        return moved;
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
            await table.DeleteEntityAsync(partition, RowKey, etag.Value, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await table.UpdateEntityAsync(ToRow(partition, meetings), etag.Value, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Meeting InUtc(Meeting m) => m with
    {
        BookedAt = m.BookedAt.ToUniversalTime(),
        ScheduledFor = m.ScheduledFor.ToUniversalTime(),
        AeDecisionAt = m.AeDecisionAt?.ToUniversalTime(),
        OpportunityCreatedAt = m.OpportunityCreatedAt?.ToUniversalTime(),
        ClosedAt = m.ClosedAt?.ToUniversalTime(),
        LastModifiedAt = m.LastModifiedAt?.ToUniversalTime(),
    };
}
