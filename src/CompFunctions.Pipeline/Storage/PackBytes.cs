using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// The primitives of the binary pack layouts (<see cref="IndexPackLayout"/>, <see cref="MeetingPackLayout"/>):
/// little-endian numbers, counts as unsigned LEB128 varints, texts as a count of UTF-8 bytes then the bytes,
/// and a list of the texts that repeat, written once and referred to by number.
/// </summary>
internal static class PackBytes
{
    public static void WriteText(IBufferWriter<byte> writer, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        WriteCount(writer, length);
        Encoding.UTF8.GetBytes(text, writer.GetSpan(length));
        writer.Advance(length);
    }

    public static void WriteByte(IBufferWriter<byte> writer, byte value)
    {
        writer.GetSpan(1)[0] = value;
        writer.Advance(1);
    }

    public static void WriteInt64(IBufferWriter<byte> writer, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(writer.GetSpan(8), value);
        writer.Advance(8);
    }

    public static void WriteCount(IBufferWriter<byte> writer, int count)
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

    /// <summary>The texts of one pack, each numbered the first time it is listed (ordinal).</summary>
    public sealed class Texts
    {
        private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
        private readonly List<string> _listed = [];

        public int Number(string text)
        {
            if (!_numbers.TryGetValue(text, out var number))
            {
                _numbers[text] = number = _listed.Count;
                _listed.Add(text);
            }

            return number;
        }

        /// <summary>0 for none, else the text's number + 1.</summary>
        public int NumberOrNone(string? text) => text is null ? 0 : Number(text) + 1;

        /// <summary>The list: its count, then each text.</summary>
        public void WriteTo(IBufferWriter<byte> writer)
        {
            WriteCount(writer, _listed.Count);
            foreach (var text in _listed)
            {
                WriteText(writer, text);
            }
        }
    }

    /// <summary>Reads a pack front to back; every read checks it stays within the pack, and a failure names <c>what</c> the pack is.</summary>
    internal ref struct Reader(ReadOnlySpan<byte> pack, string what)
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
                    return value <= int.MaxValue ? (int)value : throw new InvalidDataException($"{what} holds a count too large to be one.");
                }
            }

            throw new InvalidDataException($"{what} holds a count longer than five bytes.");
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

        /// <summary>The pack's list of texts (see <see cref="Texts"/>).</summary>
        public string[] Texts()
        {
            var texts = new string[Count()];
            for (var i = 0; i < texts.Length; i++)
            {
                texts[i] = Encoding.UTF8.GetString(Bytes(Count()));
            }

            return texts;
        }

        /// <summary>A number from <see cref="Texts.Number"/>: the text it names.</summary>
        public string Text(string[] texts) => Listed(texts, Count());

        /// <summary>A number from <see cref="Texts.NumberOrNone"/>: the text it names, or null.</summary>
        public string? TextOrNone(string[] texts) => Count() is var number && number == 0 ? null : Listed(texts, number - 1);

        private readonly string Listed(string[] texts, int number) =>
            number < texts.Length ? texts[number] : throw new InvalidDataException($"{what} refers to text {number} of {texts.Length}.");

        private readonly InvalidDataException Truncated() => new($"{what} ends before its contents do.");
    }
}
