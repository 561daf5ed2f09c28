using System.Text.Json;
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
    /// <summary>The row key every pack had before packs were keyed by partition (see <see cref="RowKeyOf"/>).</summary>
    public const string SharedRowKey = "!pack";

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

    /// <summary>The pack row for <paramref name="meetings"/> (ordered by id, so equal sets make equal rows).</summary>
    public static TableEntity ToRow(string partition, IEnumerable<Meeting> meetings)
    {
        var ordered = meetings.Select(InUtc).OrderBy(m => m.MeetingId, StringComparer.Ordinal).ToArray();
        var row = new TableEntity(partition, RowKeyOf(partition)) { ["Meetings"] = ordered.Length };
        GzipJson.Set(row, ordered, StoredJson.Default.MeetingArray, $"The {ordered.Length:N0} meetings of {partition}");
        return row;
    }

    public static Meeting[] FromRow(TableEntity row) => GzipJson.Get(row, StoredJson.Default.MeetingArray) ?? [];

    /// <summary>Every meeting of one SDR and period (none when nothing was stored there).</summary>
    public static async Task<Meeting[]> ReadAsync(TableClient table, string partition, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(partition, RowKeyOf(partition), cancellationToken: cancellationToken).ConfigureAwait(false);
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

                var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, RowKeyOf(partition), cancellationToken: cancellationToken).ConfigureAwait(false);
                if (!found.HasValue)
                {
                    await WriteAsync(table, partition, null, upserts, cancellationToken).ConfigureAwait(false);
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
            await ApplyAsync(table, partition, older, new HashSet<string>(), fresh: false, cancellationToken).ConfigureAwait(false);
            await TableBatches.SubmitAsync(table, rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken).ConfigureAwait(false);
            moved += rows.Count;
        }

        return moved;
    }

    /// <summary>
    /// Rewrites a stored pack with <paramref name="upserts"/> in and <paramref name="removals"/> out,
    /// under its ETag. The meetings that stay are copied as the JSON they were stored as, never
    /// decoded: a night that changes one meeting of a month does not decode and encode the other 500.
    /// </summary>
    private static async Task MergeAsync(TableClient table, TableEntity stored, IReadOnlyCollection<Meeting> upserts, IReadOnlySet<string> removals, CancellationToken cancellationToken)
    {
        using var stream = GzipJson.Open(stored);
        using var json = stream is null ? null : RentedBytes.ReadAll(stream);
        var kept = json is null ? [] : Elements(json.Span).Where(e => !removals.Contains(e.MeetingId)).ToList();
        var incoming = new Dictionary<string, Meeting>(StringComparer.Ordinal);
        foreach (var meeting in upserts)
        {
            incoming[meeting.MeetingId] = InUtc(meeting);
        }

        kept.RemoveAll(e => incoming.ContainsKey(e.MeetingId));
        var count = kept.Count + incoming.Count;
        if (count == 0)
        {
            await table.DeleteEntityAsync(stored.PartitionKey, RowKeyOf(stored.PartitionKey), stored.ETag, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Both in meeting id order, as ToRow writes them: equal sets still make equal rows.
        var added = incoming.Values.OrderBy(m => m.MeetingId, StringComparer.Ordinal).ToArray();
        var row = new TableEntity(stored.PartitionKey, RowKeyOf(stored.PartitionKey)) { ["Meetings"] = count };
        GzipJson.Set(row, output =>
        {
            using var writer = new Utf8JsonWriter(output);
            writer.WriteStartArray();
            var (k, a) = (0, 0);
            while (k < kept.Count || a < added.Length)
            {
                if (a == added.Length || (k < kept.Count && string.CompareOrdinal(kept[k].MeetingId, added[a].MeetingId) < 0))
                {
                    writer.WriteRawValue(json!.Span.Slice(kept[k].Start, kept[k].Length), skipInputValidation: true);
                    k++;
                }
                else
                {
                    JsonSerializer.Serialize(writer, added[a], StoredJson.Default.Meeting);
                    a++;
                }

                // Passed on in pieces: a writer on a stream otherwise keeps the whole month (~0.5 MB at
                // 1,000,000 rows) in one buffer, grown by doubling on the large object heap.
                if (writer.BytesPending >= 16 * 1024)
                {
                    writer.Flush();
                }
            }

            writer.WriteEndArray();
        }, $"The {count:N0} meetings of {stored.PartitionKey}");
        await table.UpdateEntityAsync(row, stored.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Where each meeting of a pack's JSON array starts and ends, and its id.</summary>
    private static List<(string MeetingId, int Start, int Length)> Elements(ReadOnlySpan<byte> json)
    {
        var elements = new List<(string, int, int)>();
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("A meetings pack must hold a JSON array.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            var start = (int)reader.TokenStartIndex;
            string? meetingId = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("MeetingId"u8);
                reader.Read();
                if (isId)
                {
                    meetingId = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }

            elements.Add((meetingId ?? throw new JsonException("A meeting in a pack has no MeetingId."), start, (int)reader.BytesConsumed - start));
        }

        return elements;
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
