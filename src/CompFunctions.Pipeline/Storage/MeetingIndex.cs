using System.Buffers;
using System.IO.Compression;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Where a meeting's row lives now, the furthest stage ever seen for its opportunity, and the CRM
/// change time, export and content hash of the version applied; <see cref="RawHash"/> is the hash
/// of the export record it was applied from (see <c>RecordSpill</c>), so the same record next
/// night is recognised without being parsed. Entries written before it have none.
/// </summary>
public sealed record MeetingIndexEntry(string MeetingId, string Partition, string? FurthestStage, DateTimeOffset? LastModifiedAt = null, string? Export = null, string? ContentHash = null, string? RawHash = null);

/// <summary>
/// Where the meeting index is kept: the <c>meetingindex</c> table (each bucket's delta row; rows
/// written before buckets were blobs) and the container of bucket blobs (<see cref="Bindings.IndexContainer"/>).
/// </summary>
public sealed record IndexStorage(TableClient Table, BlobContainerClient Buckets)
{
    public static IndexStorage Of(TableServiceClient tables, BlobServiceClient blobs) =>
        new(tables.GetTableClient(Tables.MeetingIndex), blobs.GetBlobContainerClient(Bindings.IndexContainer));

    public BlobClient BlobOf(string bucket) => Buckets.GetBlobClient(bucket + ".bin");
}

/// <summary>The index table's rows for every bucket: each bucket's delta, and the buckets that still hold rows from before blobs.</summary>
public sealed record IndexTableRows(IReadOnlyDictionary<string, TableEntity> Deltas, IReadOnlySet<string> HoldRowsFromBefore);

/// <summary>
/// One bucket as read: its table rows (the delta; packs and per-meeting rows written before
/// buckets were blobs) and its blob — every entry folded so far, gzipped in
/// <see cref="IndexPackLayout"/> — with the blob's ETag (null when the bucket has no blob yet).
/// </summary>
public sealed record IndexBucket(string Name, List<TableEntity> Rows, BinaryData? Blob, ETag? BlobETag)
{
    public TableEntity? Delta => Rows.FirstOrDefault(MeetingIndex.IsDelta);

    /// <summary>Rows an earlier version wrote (packs in the table, a row per meeting): the next write of the bucket folds them into its blob.</summary>
    public bool HasRowsFromBefore => Rows.Any(r => !MeetingIndex.IsDelta(r));
}

/// <summary>
/// Key layout of the meeting index: 64 buckets by a stable hash (FNV-1a) of the meeting id. A
/// bucket is one blob holding the entries of all its meetings (read whole, streamed: no JSON, no
/// base64 for the emulator or the service to serialise, ~54 bytes a meeting gzipped) and a delta
/// row in the table (<see cref="DeltaRowKey"/>) holding the entries changed since the blob was last
/// written. A night's changes go into the delta — one row a bucket — until it holds
/// <see cref="DeltaLimit"/> entries; the write after that folds the delta into the blob. (Without
/// the delta, 1 % of a million meetings changed rewrote the whole index every night.)
/// Before bucket blobs the folded entries were 64 table rows per bucket ("packs", keyed
/// <see cref="PackOf"/>), and before packs one row per meeting; buckets still holding either are
/// read as they are and moved into their blob on their next write.
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

    /// <summary>
    /// One meeting's entry: a point read of its bucket's delta, then its bucket's blob (then, for a
    /// bucket not yet moved, its pack's row or its own row from before packs).
    /// </summary>
    public static async Task<MeetingIndexEntry?> FindAsync(IndexStorage index, string meetingId, CancellationToken cancellationToken)
    {
        var bucket = BucketOf(meetingId);
        var delta = await index.Table.GetEntityIfExistsAsync<TableEntity>(bucket, DeltaRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (delta.HasValue && EntriesOf(delta.Value!).FirstOrDefault(e => e.MeetingId == meetingId) is { } changed)
        {
            return changed;
        }

        var (blob, _) = await ReadBlobAsync(index, bucket, null, cancellationToken).ConfigureAwait(false);
        if (blob is not null)
        {
            var entries = new IndexEntries(new TextPool());
            using (var packed = OpenBlob(blob))
            {
                entries.AddPacked(packed);
            }

            if (entries.Find(meetingId) is var at and >= 0)
            {
                return entries.Entry(at);
            }
        }

        var pack = await index.Table.GetEntityIfExistsAsync<TableEntity>(bucket, PackOf(meetingId), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (pack.HasValue && EntriesOf(pack.Value!).FirstOrDefault(e => e.MeetingId == meetingId) is { } entry)
        {
            return entry;
        }

        var own = await index.Table.GetEntityIfExistsAsync<TableEntity>(bucket, meetingId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return own.HasValue && !IsPack(own.Value!) ? EntriesOf(own.Value!)[0] : null;
    }

    /// <summary>A bucket whole: its table rows and its blob, read at once.</summary>
    public static Task<IndexBucket> ReadBucketAsync(IndexStorage index, string bucket, CancellationToken cancellationToken) =>
        ReadBucketAsync(index, bucket, null, cancellationToken);

    /// <summary>
    /// A bucket whole, its table rows taken from <paramref name="table"/> (read for every bucket at
    /// once, <see cref="ReadTableAsync"/>) unless it holds rows from before blobs: then its partition is read.
    /// </summary>
    public static Task<IndexBucket> ReadBucketAsync(IndexStorage index, string bucket, IndexTableRows? table, CancellationToken cancellationToken) =>
        ReadBucketAsync(index, bucket, table, null, cancellationToken);

    /// <summary>
    /// Adds a bucket's entries to <paramref name="entries"/> (see <see cref="AddEntries(IndexBucket, IndexEntries)"/>),
    /// its table rows taken from <paramref name="table"/> as <see cref="ReadBucketAsync(IndexStorage, string, IndexTableRows?, CancellationToken)"/>
    /// does; true when it still holds rows from before blobs. The blob's bytes are borrowed from the
    /// shared array pool and given back once its entries are in: a night reads 64 blobs of ~0.8 MB,
    /// each a large object that only a full collection would free.
    /// </summary>
    internal static async Task<bool> AddBucketEntriesAsync(IndexStorage index, string bucket, IndexTableRows table, IndexEntries entries, CancellationToken cancellationToken)
    {
        byte[]? rented = null;
        try
        {
            var read = await ReadBucketAsync(index, bucket, table, length => rented = ArrayPool<byte>.Shared.Rent(length), cancellationToken).ConfigureAwait(false);
            AddEntries(read, entries);
            return read.HasRowsFromBefore;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <param name="buffer">Where the blob's bytes go (at least the given length); a new array when null.</param>
    private static async Task<IndexBucket> ReadBucketAsync(IndexStorage index, string bucket, IndexTableRows? table, Func<int, byte[]>? buffer, CancellationToken cancellationToken)
    {
        var rows = table is not null && !table.HoldRowsFromBefore.Contains(bucket)
            ? Task.FromResult<List<TableEntity>>(table.Deltas.TryGetValue(bucket, out var delta) ? [delta] : [])
            : TablePartition.ReadAsync(index.Table, bucket, cancellationToken);
        var (blob, etag) = await ReadBlobAsync(index, bucket, buffer, cancellationToken).ConfigureAwait(false);
        return new IndexBucket(bucket, await rows.ConfigureAwait(false), blob, etag);
    }

    /// <summary>
    /// What the index table holds for every bucket, in two queries whatever the number of buckets:
    /// the delta rows, and (keys only) which buckets still hold rows from before blobs. Once every
    /// bucket is a blob the table holds the deltas alone, so a night reads the index in these two
    /// requests and a blob per bucket instead of a query per bucket as well.
    /// </summary>
    public static async Task<IndexTableRows> ReadTableAsync(TableClient table, CancellationToken cancellationToken)
    {
        var deltas = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {DeltaRowKey}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            deltas[row.PartitionKey] = row;
        }

        var before = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey ne {DeltaRowKey}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            before.Add(row.PartitionKey);
        }

        return new IndexTableRows(deltas, before);
    }

    /// <summary>
    /// Adds a bucket's entries to <paramref name="entries"/>, newest first — the delta, the blob,
    /// packs from before blobs, rows from before packs: the first entry of a meeting stands.
    /// </summary>
    internal static void AddEntries(IndexBucket bucket, IndexEntries entries)
    {
        if (bucket.Delta is { } delta)
        {
            AddEntries(delta, entries);
        }

        if (bucket.Blob is { } blob)
        {
            using var pack = OpenBlob(blob);
            entries.AddPacked(pack);
        }

        foreach (var row in bucket.Rows.Where(r => !IsDelta(r)).OrderBy(r => IsPack(r) ? 0 : 1))
        {
            AddEntries(row, entries);
        }
    }

    /// <summary>Every entry of a bucket, each meeting's newest (see <see cref="AddEntries(IndexBucket, IndexEntries)"/>), in no particular order.</summary>
    public static IReadOnlyList<MeetingIndexEntry> EntriesOf(IndexBucket bucket)
    {
        var entries = new IndexEntries(new TextPool());
        AddEntries(bucket, entries);
        return entries.ToArray();
    }

    private static async Task<(BinaryData? Blob, ETag? ETag)> ReadBlobAsync(IndexStorage index, string bucket, Func<int, byte[]>? buffer, CancellationToken cancellationToken)
    {
        try
        {
            // Streamed into one array of the blob's length (DownloadContent grows a buffer by doubling: 140 MB of large objects an unchanged night).
            var download = (await index.BlobOf(bucket).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            await using var content = download.Content;
            var length = checked((int)download.Details.ContentLength);
            var bytes = buffer?.Invoke(length) ?? new byte[length];
            await content.ReadExactlyAsync(bytes.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            return (BinaryData.FromBytes(bytes.AsMemory(0, length)), download.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return (null, null);
        }
    }

    private static GZipStream OpenBlob(BinaryData blob) => new(blob.ToStream(), CompressionMode.Decompress);

    /// <summary>
    /// Writes changed entries: reads the bucket's delta (or, when it may hold rows from before
    /// blobs, the whole bucket), and writes the delta with them (when it stays within
    /// <see cref="DeltaLimit"/>) or folds the delta and them into the bucket's blob — the blob only
    /// if nobody wrote it since it was read, then the delta and any rows from before blobs deleted
    /// (the delta only if unchanged since read), retrying the bucket when someone wrote it meanwhile.
    /// </summary>
    /// <param name="rowsFromBefore">False when the caller read the bucket and found no rows from before blobs: then the delta alone is read, unless it has to be folded.</param>
    public static async Task WriteAsync(IndexStorage index, string bucket, IReadOnlyCollection<MeetingIndexEntry> changed, CancellationToken cancellationToken, bool rowsFromBefore = true)
    {
        for (var attempt = 1; ; attempt++)
        {
            var whole = rowsFromBefore ? await ReadBucketAsync(index, bucket, cancellationToken).ConfigureAwait(false) : null;
            var delta = whole is null
                ? (await index.Table.GetEntityIfExistsAsync<TableEntity>(bucket, DeltaRowKey, cancellationToken: cancellationToken).ConfigureAwait(false)) is { HasValue: true } found ? found.Value : null
                : whole.Delta;
            if (changed.Count == 0 && whole?.HasRowsFromBefore != true)
            {
                return;
            }

            var pending = Pending(delta, changed);
            if (whole?.HasRowsFromBefore != true && pending.Count <= DeltaLimit)
            {
                var row = ToPack(bucket, DeltaRowKey, pending.Values);
                if (await TrySubmitAsync(index.Table, [delta is null ? new TableTransactionAction(TableTransactionActionType.Add, row) : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, delta.ETag)], attempt, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            if (whole is null)
            {
                // Folding needs the blob: read the whole bucket (and the delta with it, as it is now).
                whole = await ReadBucketAsync(index, bucket, cancellationToken).ConfigureAwait(false);
                delta = whole.Delta;
                pending = Pending(delta, changed);
            }

            // The blob with everything: what the bucket holds, the changes over it (a new bucket's are the changes alone).
            var held = EntriesOf(whole with { Rows = [.. whole.Rows.Where(r => !IsDelta(r))] });
            var entries = pending;
            if (held.Count > 0)
            {
                entries = new Dictionary<string, MeetingIndexEntry>(held.Count + pending.Count, StringComparer.Ordinal);
                foreach (var entry in held)
                {
                    entries.Add(entry.MeetingId, entry);
                }

                foreach (var entry in pending.Values)
                {
                    entries[entry.MeetingId] = entry;
                }
            }

            // Ids are the keys, so no two are equal: one array sorted in place.
            var sorted = new MeetingIndexEntry[entries.Count];
            entries.Values.CopyTo(sorted, 0);
            Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.MeetingId, b.MeetingId));
            if (!await TryWriteBlobAsync(index, bucket, whole.BlobETag, sorted, attempt, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            // Then the rows it folded in. Should this fail, they only repeat what the blob says (the delta over it newer or equal).
            var folded = whole.Rows.Where(r => !IsDelta(r)).Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(bucket, r.RowKey), ETag.All))
                .Concat(delta is null ? [] : [new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(bucket, DeltaRowKey), delta.ETag)])
                .ToList();
            if (folded.Count == 0 || await TrySubmitAsync(index.Table, folded, attempt, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>False when another ingestion wrote the bucket's blob since it was read (the caller reads it again and merges again).</summary>
    private static async Task<bool> TryWriteBlobAsync(IndexStorage index, string bucket, ETag? read, IReadOnlyList<MeetingIndexEntry> entries, int attempt, CancellationToken cancellationToken)
    {
        using var content = new BlocksStream(GzipJson.Compress((Stream stream) => IndexPackLayout.Write(stream, entries)));
        var conditions = read is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            await index.BlobOf(bucket).UploadAsync(content, new BlobUploadOptions { Conditions = conditions }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 5)
        {
            return false;
        }
    }

    /// <summary>What changed since the packs were written: the delta's entries, then <paramref name="changed"/> over them.</summary>
    private static Dictionary<string, MeetingIndexEntry> Pending(TableEntity? delta, IReadOnlyCollection<MeetingIndexEntry> changed)
    {
        var earlier = delta is null ? [] : EntriesOf(delta);

        // Made as large as it can get at once: a first night's bucket holds ~15,600 entries at 1,000,000
        // rows, and growing to that by doubling left ~2 MB of large-object arrays per bucket behind.
        var pending = new Dictionary<string, MeetingIndexEntry>(earlier.Count + changed.Count, StringComparer.Ordinal);
        foreach (var entry in earlier.Concat(changed))
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
