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
        var texts = new Dictionary<string, int>(StringComparer.Ordinal);
        var listed = new List<string>();
        int Number(string text)
        {
            if (!texts.TryGetValue(text, out var number))
            {
                texts[text] = number = listed.Count;
                listed.Add(text);
            }

            return number;
        }

        var body = new ArrayBufferWriter<byte>(entries.Count * 64 + 16);
        WriteCount(body, entries.Count);
        foreach (var entry in entries)
        {
            WriteText(body, entry.MeetingId);
            WriteCount(body, Number(entry.Partition));
            WriteCount(body, entry.FurthestStage is null ? 0 : Number(entry.FurthestStage) + 1);
            WriteCount(body, entry.Export is null ? 0 : Number(entry.Export) + 1);
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
                WriteByte(body, 0);
            }

            WriteHash(body, entry.ContentHash);
            WriteHash(body, entry.RawHash);
        }

        var head = new ArrayBufferWriter<byte>(1024);
        WriteByte(head, Version);
        WriteCount(head, listed.Count);
        foreach (var text in listed)
        {
            WriteText(head, text);
        }

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
            WriteByte(body, None);
            return;
        }

        var utf8 = Encoding.UTF8.GetBytes(hash);
        if (IsLowerHex(utf8))
        {
            WriteByte(body, Hex);
            WriteCount(body, utf8.Length / 2);
            FromLowerHex(utf8, body.GetSpan(utf8.Length / 2)[..(utf8.Length / 2)]);
            body.Advance(utf8.Length / 2);
        }
        else
        {
            WriteByte(body, Text);
            WriteCount(body, utf8.Length);
            body.Write(utf8);
        }
    }

    private static void WriteText(ArrayBufferWriter<byte> writer, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        WriteCount(writer, length);
        Encoding.UTF8.GetBytes(text, writer.GetSpan(length));
        writer.Advance(length);
    }

    private static void WriteByte(ArrayBufferWriter<byte> writer, byte value)
    {
        writer.GetSpan(1)[0] = value;
        writer.Advance(1);
    }

    private static void WriteCount(ArrayBufferWriter<byte> writer, int count)
    {
        var value = checked((uint)count);
        var span = writer.GetSpan(5);
        var at = 0;
        while (value >= 0x80)
        {
            span[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[at++] = (byte)value;
        writer.Advance(at);
    }

    /// <summary>Reads this layout front to back; every read checks it stays within the pack.</summary>
    internal ref struct Reader(ReadOnlySpan<byte> pack)
    {
        private readonly ReadOnlySpan<byte> _pack = pack;
        private int _at;

        public readonly bool AtEnd => _at == _pack.Length;

        public byte Byte() => _at < _pack.Length ? _pack[_at++] : throw Truncated();

        public int Count()
        {
            uint value = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                var b = Byte();
                value |= (uint)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value <= int.MaxValue ? (int)value : throw new InvalidDataException("A meeting index pack holds a count too large to be one.");
                }
            }

            throw new InvalidDataException("A meeting index pack holds a count longer than five bytes.");
        }

        public ReadOnlySpan<byte> Bytes(int length)
        {
            if (length > _pack.Length - _at)
            {
                throw Truncated();
            }

            var bytes = _pack.Slice(_at, length);
            _at += length;
            return bytes;
        }

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Bytes(8));

        public short Int16() => BinaryPrimitives.ReadInt16LittleEndian(Bytes(2));

        private static InvalidDataException Truncated() => new("A meeting index pack ends before its entries do.");
    }
}
