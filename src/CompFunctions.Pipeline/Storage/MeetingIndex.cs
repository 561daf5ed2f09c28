using Azure;
using Azure.Data.Tables;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Where a meeting's row lives now, the furthest stage ever seen for its opportunity, and the CRM
/// change time, export and content hash of the version applied; <see cref="RawHash"/> is the hash
/// of the export record it was applied from (see <c>RecordSpill</c>), so the same record next
/// night is recognised without being parsed. Entries written before it have none.
/// </summary>
public sealed record MeetingIndexEntry(string MeetingId, string Partition, string? FurthestStage, DateTimeOffset? LastModifiedAt = null, string? Export = null, string? ContentHash = null, string? RawHash = null);

/// <summary>
/// Key layout of the meeting index: 64 buckets (the partitions) by a stable hash (FNV-1a) of the
/// meeting id, and in each bucket 64 packs (the rows), each holding the entries of every meeting
/// that hashes to it, and a delta row (<see cref="DeltaRowKey"/>) holding the entries changed
/// since the packs were last written. A bucket is read with one query whatever the number of
/// meetings. A night's changes go into the delta — one row a bucket, however many packs they
/// touch — until it holds <see cref="DeltaLimit"/> entries; the write after that folds the delta
/// into the packs. (Without it, 1 % of a million meetings changed touched nine packs in ten: the
/// whole index was rewritten every night.)
/// </summary>
public static class MeetingIndex
{
    public const int Buckets = 64;

    public const int PacksPerBucket = 64;

    /// <summary>The row key of a bucket's delta (not a meeting id: ids never hold '!').</summary>
    public const string DeltaRowKey = "!delta";

    /// <summary>How many entries a bucket's delta holds at most; a write that would exceed it folds the delta into the packs instead.</summary>
    public const int DeltaLimit = 1_024;

    public static string BucketOf(string meetingId) => BucketName(BucketNumberOf(meetingId));

    public static int BucketNumberOf(ReadOnlySpan<char> meetingId) => (int)(StableHash(meetingId) % Buckets);

    public static string BucketName(int bucket) => "b" + bucket.ToString("D2", System.Globalization.CultureInfo.InvariantCulture);

    public static string PackOf(string meetingId) =>
        "p" + (StableHash(meetingId) / Buckets % PacksPerBucket).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>FNV-1a over the UTF-16 code units: the same on every machine and every run, unlike <see cref="string.GetHashCode()"/>.</summary>
    public static uint StableHash(ReadOnlySpan<char> text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    /// <summary>A pack row holding <paramref name="entries"/> (ordered by meeting id, so equal content is an equal row).</summary>
    public static TableEntity ToPack(string bucket, string pack, IEnumerable<MeetingIndexEntry> entries)
    {
        var ordered = entries.OrderBy(e => e.MeetingId, StringComparer.Ordinal).ToArray();
        var entity = new TableEntity(bucket, pack) { ["Count"] = ordered.Length };
        GzipJson.Set(entity, stream => IndexPackLayout.Write(stream, ordered), $"The {ordered.Length:N0} index entries of {bucket}/{pack}", IndexPackLayout.Prefix);
        return entity;
    }

    /// <summary>
    /// The entries a row of the index holds: a pack's, or the one of a row written before packs
    /// (one row per meeting, keyed by its id) — see <see cref="IsPack"/>.
    /// </summary>
    public static IReadOnlyList<MeetingIndexEntry> EntriesOf(TableEntity row)
    {
        var entries = new IndexEntries(new TextPool());
        AddEntries(row, entries);
        return entries.ToArray();
    }

    /// <summary>Adds the entries <paramref name="row"/> holds to <paramref name="entries"/> (see <see cref="EntriesOf(TableEntity)"/>).</summary>
    internal static void AddEntries(TableEntity row, IndexEntries entries)
    {
        if (!IsPack(row))
        {
            entries.Add(new MeetingIndexEntry(row.RowKey, row.GetString("Partition"), row.GetString("FurthestStage"), row.GetDateTimeOffset("LastModifiedAt"), row.GetString("Export"), row.GetString("ContentHash")));
            return;
        }

        // Packs are rewritten in the newest layout whenever their bucket is written; until then
        // those from before it are read as they are: gzipped JSON, or before that JSON as text (PackedJson).
        using (var packed = GzipJson.Open(row, IndexPackLayout.Prefix))
        {
            if (packed is not null)
            {
                entries.AddPacked(packed);
                return;
            }
        }

        using var gzipped = GzipJson.Open(row);
        if (gzipped is not null)
        {
            entries.Add(gzipped);
            return;
        }

        var json = PackedJson.Get(row);
        if (json.Length > 0)
        {
            entries.Add(System.Text.Encoding.UTF8.GetBytes(json));
        }
    }

    /// <summary>Whether the row holds packed entries (a pack or the delta), rather than one meeting's entry from before packs.</summary>
    public static bool IsPack(TableEntity row) => row.ContainsKey("Count");

    public static bool IsDelta(TableEntity row) => row.RowKey == DeltaRowKey;

    /// <summary>One meeting's entry, with point reads of its bucket's delta, then its pack (or of its own row, from before packs).</summary>
    public static async Task<MeetingIndexEntry?> FindAsync(TableClient index, string meetingId, CancellationToken cancellationToken)
    {
        var bucket = BucketOf(meetingId);
        var delta = await index.GetEntityIfExistsAsync<TableEntity>(bucket, DeltaRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (delta.HasValue && EntriesOf(delta.Value!).FirstOrDefault(e => e.MeetingId == meetingId) is { } changed)
        {
            return changed;
        }

        var pack = await index.GetEntityIfExistsAsync<TableEntity>(bucket, PackOf(meetingId), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (pack.HasValue && EntriesOf(pack.Value!).FirstOrDefault(e => e.MeetingId == meetingId) is { } entry)
        {
            return entry;
        }

        var own = await index.GetEntityIfExistsAsync<TableEntity>(bucket, meetingId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return own.HasValue && !IsPack(own.Value!) ? EntriesOf(own.Value!)[0] : null;
    }

    /// <summary>Every row of a bucket: its delta, packs and rows from before packs.</summary>
    public static Task<List<TableEntity>> ReadBucketAsync(TableClient index, string bucket, CancellationToken cancellationToken) =>
        TablePartition.ReadAsync(index, bucket, cancellationToken);

    /// <summary>
    /// Which of a bucket's rows says what about a meeting: the delta (newest), then the packs, then
    /// rows from before packs (oldest). Readers take a meeting's entry from the first row that holds it.
    /// </summary>
    public static int Precedence(TableEntity row) => IsDelta(row) ? 0 : IsPack(row) ? 1 : 2;

    /// <summary>
    /// Writes changed entries: reads the bucket (or only its delta), and writes the delta with them (when it stays
    /// within <see cref="DeltaLimit"/>) or folds the delta and them into the packs, each row only
    /// if nobody wrote it since it was read (retrying the bucket when someone did). Rows from before
    /// packs are folded into their packs and deleted.
    /// </summary>
    /// <param name="rowsFromBeforePacks">False when the caller read the bucket and found none: then the delta alone is read, unless it has to be folded.</param>
    public static async Task WriteAsync(TableClient index, string bucket, IReadOnlyCollection<MeetingIndexEntry> changed, CancellationToken cancellationToken, bool rowsFromBeforePacks = true)
    {
        for (var attempt = 1; ; attempt++)
        {
            var rows = rowsFromBeforePacks ? await ReadBucketAsync(index, bucket, cancellationToken).ConfigureAwait(false) : null;
            var delta = rows is null
                ? (await index.GetEntityIfExistsAsync<TableEntity>(bucket, DeltaRowKey, cancellationToken: cancellationToken).ConfigureAwait(false)) is { HasValue: true } found ? found.Value : null
                : rows.FirstOrDefault(IsDelta);
            var legacy = rows?.Where(r => !IsPack(r)).ToArray() ?? [];
            if (changed.Count == 0 && legacy.Length == 0)
            {
                return;
            }

            var pending = Pending(delta, changed);
            if (legacy.Length == 0 && pending.Count <= DeltaLimit)
            {
                var row = ToPack(bucket, DeltaRowKey, pending.Values);
                if (await TrySubmitAsync(index, [delta is null ? new TableTransactionAction(TableTransactionActionType.Add, row) : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, delta.ETag)], attempt, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            if (rows is null)
            {
                // Folding needs the packs: read the whole bucket (and the delta with it, as it is now).
                rows = await ReadBucketAsync(index, bucket, cancellationToken).ConfigureAwait(false);
                delta = rows.FirstOrDefault(IsDelta);
                legacy = [.. rows.Where(r => !IsPack(r))];
                pending = Pending(delta, changed);
            }

            var packs = rows.Where(r => IsPack(r) && !IsDelta(r)).ToDictionary(r => r.RowKey, StringComparer.Ordinal);

            // Only the packs that change are decoded (a night with few changes touches a few per bucket).
            var contents = new Dictionary<string, Dictionary<string, MeetingIndexEntry>>(StringComparer.Ordinal);
            var dirty = new HashSet<string>(StringComparer.Ordinal);
            void Put(MeetingIndexEntry entry, bool replace)
            {
                var pack = PackOf(entry.MeetingId);
                if (!contents.TryGetValue(pack, out var entries))
                {
                    contents[pack] = entries = packs.TryGetValue(pack, out var stored)
                        ? EntriesOf(stored).ToDictionary(e => e.MeetingId, StringComparer.Ordinal)
                        : new Dictionary<string, MeetingIndexEntry>(StringComparer.Ordinal);
                }

                if (replace || !entries.ContainsKey(entry.MeetingId))
                {
                    entries[entry.MeetingId] = entry;
                }

                dirty.Add(pack);
            }

            foreach (var row in legacy)
            {
                Put(EntriesOf(row)[0], replace: false);
            }

            foreach (var entry in pending.Values)
            {
                Put(entry, replace: true);
            }

            // The delta goes last: should the batch be cut in several, it only ever repeats what the packs already say.
            var actions = dirty.Select(pack => packs.TryGetValue(pack, out var read)
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, ToPack(bucket, pack, contents[pack].Values), read.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, ToPack(bucket, pack, contents[pack].Values)))
                .Concat(legacy.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(bucket, row.RowKey), ETag.All)))
                .Concat(delta is null ? [] : [new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(bucket, DeltaRowKey), delta.ETag)])
                .ToList();
            if (await TrySubmitAsync(index, actions, attempt, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>What changed since the packs were written: the delta's entries, then <paramref name="changed"/> over them.</summary>
    private static Dictionary<string, MeetingIndexEntry> Pending(TableEntity? delta, IReadOnlyCollection<MeetingIndexEntry> changed)
    {
        var pending = new Dictionary<string, MeetingIndexEntry>(StringComparer.Ordinal);
        foreach (var entry in (delta is null ? [] : EntriesOf(delta)).Concat(changed))
        {
            pending[entry.MeetingId] = entry;
        }

        return pending;
    }

    /// <summary>False when another ingestion wrote the bucket since it was read (the caller reads it again and merges again).</summary>
    private static async Task<bool> TrySubmitAsync(TableClient index, List<TableTransactionAction> actions, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            await TableBatches.SubmitAsync(index, actions, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412 && attempt < 5)
        {
            return false;
        }
    }
}
