using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// How an index pack's entries are kept since packs stopped being JSON: a binary layout, gzipped
/// under <see cref="Prefix"/>. The texts that repeat (partitions, stages, export names) are listed
/// once, then each entry: its id, the numbers of its texts in that list, its CRM change time, and
/// its two hashes as bytes when they are lowercase hex (what the pipeline writes; any other text is
/// kept as text). JSON said every name and every hash digit again for each of a bucket's ~15,600
/// meetings at a million rows: ~242 bytes an entry, ~86 gzipped (this layout: ~54 gzipped), about
/// 3.8 MB a bucket for ingestion to unzip and parse on an unchanged night.
/// </summary>
/// <remarks>
/// Layout (little-endian; n = unsigned LEB128 varint): the byte <see cref="Version"/>; n texts, each
/// n bytes of UTF-8; n entries, each: the id (n bytes of UTF-8), the partition's text number (n),
/// the furthest stage's and the export's text number + 1 (n; 0 = none), the change time (a byte: 0 =
/// none, 1 = then UTC ticks as 8 bytes and the offset in minutes as 2), and per hash (content, then
/// record) a byte — 0 none, 1 hex (then n bytes, the text being their lowercase hex), 2 text (then
/// n bytes of UTF-8).
/// </remarks>
internal static class IndexPackLayout
{
    /// <summary>The properties a pack in this layout is kept under (<c>Entries0</c>, …).</summary>
    public const string Prefix = "Entries";

    public const byte Version = 1;

    internal const byte None = 0;
    internal const byte Hex = 1;
    internal const byte Text = 2;

    /// <summary>Writes <paramref name="entries"/> in this layout.</summary>
    public static void Write(Stream stream, IReadOnlyList<MeetingIndexEntry> entries)
    {
        var texts = new PackBytes.Texts();
        var body = new ArrayBufferWriter<byte>(entries.Count * 64 + 16);
        PackBytes.WriteCount(body, entries.Count);
        foreach (var entry in entries)
        {
            PackBytes.WriteText(body, entry.MeetingId);
            PackBytes.WriteCount(body, texts.Number(entry.Partition));
            PackBytes.WriteCount(body, texts.NumberOrNone(entry.FurthestStage));
            PackBytes.WriteCount(body, texts.NumberOrNone(entry.Export));
            if (entry.LastModifiedAt is { } at)
            {
                var span = body.GetSpan(11);
                span[0] = 1;
                BinaryPrimitives.WriteInt64LittleEndian(span[1..], at.UtcTicks);
                BinaryPrimitives.WriteInt16LittleEndian(span[9..], checked((short)at.TotalOffsetMinutes));
                body.Advance(11);
            }
            else
            {
                PackBytes.WriteByte(body, 0);
            }

            WriteHash(body, entry.ContentHash);
            WriteHash(body, entry.RawHash);
        }

        var head = new ArrayBufferWriter<byte>(1024);
        PackBytes.WriteByte(head, Version);
        texts.WriteTo(head);
        stream.Write(head.WrittenSpan);
        stream.Write(body.WrittenSpan);
    }

    /// <summary>Whether <paramref name="text"/> is lowercase hex of whole bytes (kept as those bytes).</summary>
    internal static bool IsLowerHex(ReadOnlySpan<byte> text)
    {
        if (text.Length == 0 || text.Length % 2 != 0)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is not ((>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Decodes lowercase hex (<see cref="IsLowerHex"/>) into <paramref name="bytes"/>, half its length.</summary>
    internal static void FromLowerHex(ReadOnlySpan<byte> text, Span<byte> bytes)
    {
        static int Digit(byte c) => c <= '9' ? c - '0' : c - 'a' + 10;
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((Digit(text[2 * i]) << 4) | Digit(text[2 * i + 1]));
        }
    }

    private static void WriteHash(ArrayBufferWriter<byte> body, string? hash)
    {
        if (hash is null)
        {
            PackBytes.WriteByte(body, None);
            return;
        }

        var utf8 = Encoding.UTF8.GetBytes(hash);
        if (IsLowerHex(utf8))
        {
            PackBytes.WriteByte(body, Hex);
            PackBytes.WriteCount(body, utf8.Length / 2);
            FromLowerHex(utf8, body.GetSpan(utf8.Length / 2)[..(utf8.Length / 2)]);
            body.Advance(utf8.Length / 2);
        }
        else
        {
            PackBytes.WriteByte(body, Text);
            PackBytes.WriteCount(body, utf8.Length);
            body.Write(utf8);
        }
    }
}
