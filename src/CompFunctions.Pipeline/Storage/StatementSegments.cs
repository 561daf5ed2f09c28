using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// How a statement row (layout 3) cuts its lines and verdicts into segments, and its
/// <c>Segments</c> column: per segment the fingerprint of what it holds
/// (<see cref="StatementJson.Fingerprint"/>) and its compressed size, and the same for the
/// adjustments booked into the statement.
/// </summary>
/// <remarks>
/// A meeting's lines and verdict go into the segment its id hashes to, so a meeting stays in its
/// segment from one night to the next and a changed meeting changes one segment. With 16–32
/// meetings a segment, a night that changes 1 % of the rows (~7 meetings of a 600-meeting month)
/// rewrites ~20 % of the statement instead of all of it (unless the plan's month rules — a
/// retroactive quota tier, a cap — change every line: then every segment changes, as it should).
/// Smaller segments compress worse (each starts without a dictionary: 1,000 meetings took 239 KB
/// in one piece, 283 KB in 32 segments, 323 KB in 64) for little gain. The count is a power of two
/// kept while the statement stays within 4× of its ideal size, so a growing month re-cuts its
/// statement only when it has grown fourfold.
/// Column bytes: the adjustments' compressed size (4, little-endian) and fingerprint (16), then
/// per segment its fingerprint (16) and compressed size (4; 0 for an empty segment, which stores nothing).
/// </remarks>
public sealed class StatementSegments
{
    public const string Column = "Segments";
    private const int MeetingsPerSegment = 32;
    private const int MaxSegments = 128;
    private const int HeadBytes = 4 + 16;
    private const int EntryBytes = 16 + 4;

    public StatementSegments(UInt128 adjustments, int adjustmentBytes, UInt128[] fingerprints, int[] bytes)
    {
        Adjustments = adjustments;
        AdjustmentBytes = adjustmentBytes;
        Fingerprints = fingerprints;
        Bytes = bytes;
    }

    /// <summary>The fingerprint of the adjustments booked into the statement (XxHash128 of their JSON; 0 when there are none).</summary>
    public UInt128 Adjustments { get; }

    public int AdjustmentBytes { get; }

    public UInt128[] Fingerprints { get; }

    /// <summary>Each segment's compressed size: 0 when it is empty and stores nothing.</summary>
    public int[] Bytes { get; }

    public int Count => Fingerprints.Length;

    /// <summary>What the row's compressed values take in all.</summary>
    public long TotalBytes => AdjustmentBytes + Bytes.Sum(b => (long)b);

    /// <summary>The properties segment <paramref name="segment"/> is stored under: <c>S{segment}_0</c>, <c>S{segment}_1</c>…</summary>
    public static string Prefix(int segment) => $"S{segment}_";

    /// <summary>The segment a meeting's lines and verdict go into, of <paramref name="count"/> (a power of two).</summary>
    public static int Of(string meetingId, int count) =>
        (int)(XxHash3.HashToUInt64(MemoryMarshal.AsBytes(meetingId.AsSpan())) & (ulong)(count - 1));

    /// <summary>
    /// How many segments a statement of <paramref name="meetings"/> meetings has: the stored count
    /// while it is within 4× of the ideal (~32 meetings each), else the ideal.
    /// </summary>
    public static int CountFor(int meetings, StatementSegments? stored)
    {
        var ideal = (int)Math.Min(MaxSegments, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, (meetings + MeetingsPerSegment - 1) / MeetingsPerSegment)));
        return stored is { Count: var kept } && System.Numerics.BitOperations.IsPow2(kept) && kept * 4 >= ideal && kept <= ideal * 4 && kept <= MaxSegments ? kept : ideal;
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[HeadBytes + (Count * EntryBytes)];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, AdjustmentBytes);
        BinaryPrimitives.WriteUInt128LittleEndian(span[4..], Adjustments);
        for (var i = 0; i < Count; i++)
        {
            var entry = span[(HeadBytes + (i * EntryBytes))..];
            BinaryPrimitives.WriteUInt128LittleEndian(entry, Fingerprints[i]);
            BinaryPrimitives.WriteInt32LittleEndian(entry[16..], Bytes[i]);
        }

        return bytes;
    }

    /// <summary>The column as stored, or null when the row has none (or one this version cannot read: the row is then rewritten whole).</summary>
    public static StatementSegments? Parse(byte[]? column)
    {
        if (column is null || column.Length < HeadBytes + EntryBytes || (column.Length - HeadBytes) % EntryBytes != 0)
        {
            return null;
        }

        var span = column.AsSpan();
        var count = (column.Length - HeadBytes) / EntryBytes;
        var fingerprints = new UInt128[count];
        var sizes = new int[count];
        for (var i = 0; i < count; i++)
        {
            var entry = span[(HeadBytes + (i * EntryBytes))..];
            fingerprints[i] = BinaryPrimitives.ReadUInt128LittleEndian(entry);
            sizes[i] = BinaryPrimitives.ReadInt32LittleEndian(entry[16..]);
        }

        return new StatementSegments(BinaryPrimitives.ReadUInt128LittleEndian(span[4..]), BinaryPrimitives.ReadInt32LittleEndian(span), fingerprints, sizes);
    }
}
