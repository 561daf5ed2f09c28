using System.Buffers;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// One string per distinct text, for texts read many times over: shared between threads (the
/// default; it locks), or owned by one thread (it does not). With a <c>limit</c>, it forgets every
/// text it holds when it holds that many, so a long-lived pool stays small.
/// </summary>
internal sealed class TextPool(bool shared = true, int limit = int.MaxValue)
{
    private readonly HashSet<string> _texts = new(StringComparer.Ordinal);
    private readonly Lock? _lock = shared ? new Lock() : null;

    public string Get(ReadOnlySpan<char> text)
    {
        if (_lock is not { } gate)
        {
            return Pooled(text);
        }

        lock (gate)
        {
            return Pooled(text);
        }
    }

    /// <summary>The JSON string the reader is on, from the pool; null for a JSON null; a long text, or a token that is not a string, as the reader gives it.</summary>
    public string? Get(ref Utf8JsonReader reader)
    {
        Span<char> chars = stackalloc char[256];
        if (reader.TokenType != JsonTokenType.String || reader.HasValueSequence || reader.ValueSpan.Length > chars.Length)
        {
            return reader.GetString();
        }

        return Get(chars[..reader.CopyString(chars)]);
    }

    private string Pooled(ReadOnlySpan<char> text)
    {
        var lookup = _texts.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(text, out var known))
        {
            return known;
        }

        if (_texts.Count >= limit)
        {
            _texts.Clear();
        }

        var made = text.ToString();
        _texts.Add(made);
        return made;
    }
}

/// <summary>
/// The entries of index rows (a bucket's delta, packs and rows from before packs; a pack in
/// <see cref="IndexPackLayout"/>, or in JSON as packs were before it — an array of
/// <see cref="MeetingIndexEntry"/>, camelCase, absent or null = null), kept compact:
/// each meeting's id and hashes as UTF-8 in one shared buffer, texts that repeat from entry to entry
/// (partitions, stages, export names) from a <see cref="TextPool"/>, and a hash table
/// from id to entry. A meeting is found by the characters of its id and its record hash compared
/// without making a string; an entry is made whole (<see cref="Entry"/>) only for a record that
/// differs. (Made whole up front — an object and three strings per meeting — the entries were most of
/// what an unchanged night allocated and a large part of its comparing.)
/// The first entry added for an id stands: add the newest rows first. Unknown properties are
/// skipped, as the serializer skipped them. <see cref="Clear"/> keeps the buffers for the next bucket.
/// </summary>
internal sealed class IndexEntries(TextPool pool)
{
    /// <summary>
    /// Where one entry's texts are: offsets into the shared buffer (-1 length: absent) and its pooled
    /// texts. A hash that is lowercase hex is kept as its bytes (<c>…Hex</c>).
    /// </summary>
    private struct Slot
    {
        public int Id;
        public int IdLength;
        public int ContentHash;
        public int ContentHashLength;
        public bool ContentHashHex;
        public int RawHash;
        public int RawHashLength;
        public bool RawHashHex;
        public string Partition;
        public string? FurthestStage;
        public string? Export;
        public DateTimeOffset? LastModifiedAt;
    }

    private Slot[] _slots = new Slot[256];
    private byte[] _texts = new byte[16 * 1024];
    private int _textLength;
    private int[] _table = new int[512]; // entry number + 1; 0 = empty; a power of two long
    private bool[] _seen = new bool[256];

    public int Count { get; private set; }

    /// <summary>Adds the entries of one pack's JSON, read to its end.</summary>
    public void Add(Stream json)
    {
        using var bytes = RentedBytes.ReadAll(json);
        Add(bytes.Span);
    }

    /// <summary>Adds the entries of one pack in <see cref="IndexPackLayout"/>, read to its end.</summary>
    public void AddPacked(Stream pack)
    {
        using var bytes = RentedBytes.ReadAll(pack);
        var reader = new PackBytes.Reader(bytes.Span, "A meeting index pack");
        if (reader.Byte() is var version && version != IndexPackLayout.Version)
        {
            throw new InvalidDataException($"A meeting index pack is in layout {version}; this version of the app reads layout {IndexPackLayout.Version}.");
        }

        var texts = new string[reader.Count()];
        Span<char> chars = stackalloc char[256];
        for (var i = 0; i < texts.Length; i++)
        {
            var utf8 = reader.Bytes(reader.Count());
            texts[i] = utf8.Length <= chars.Length ? pool.Get(chars[..Encoding.UTF8.GetChars(utf8, chars)]) : Encoding.UTF8.GetString(utf8);
        }

        string? Listed(int number) => number < texts.Length ? texts[number] : throw new InvalidDataException($"A meeting index pack refers to text {number} of {texts.Length}.");
        for (var count = reader.Count(); count > 0; count--)
        {
            var slot = new Slot();
            (slot.Id, slot.IdLength) = Keep(reader.Bytes(reader.Count()));
            slot.Partition = Listed(reader.Count())!;
            slot.FurthestStage = reader.Count() is var stage and > 0 ? Listed(stage - 1) : null;
            slot.Export = reader.Count() is var export and > 0 ? Listed(export - 1) : null;
            slot.LastModifiedAt = reader.Byte() switch
            {
                0 => null,
                1 => ChangeTime(reader.Int64(), reader.Int16()),
                var other => throw new InvalidDataException($"A meeting index pack holds change time tag {other}."),
            };
            (slot.ContentHash, slot.ContentHashLength, slot.ContentHashHex) = KeepHash(ref reader);
            (slot.RawHash, slot.RawHashLength, slot.RawHashHex) = KeepHash(ref reader);
            Insert(slot);
        }

        if (!reader.AtEnd)
        {
            throw new InvalidDataException("A meeting index pack holds more than its entries.");
        }
    }

    /// <summary>Adds the entries of one pack's JSON.</summary>
    public void Add(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (Next(ref reader) != JsonTokenType.StartArray)
        {
            throw new JsonException($"A meeting index pack must be a JSON array, not {reader.TokenType}.");
        }

        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"A meeting index entry must be an object, not {reader.TokenType}.");
            }

            AddEntry(ref reader);
        }
    }

    /// <summary>Adds one entry made whole (a row from before packs).</summary>
    public void Add(MeetingIndexEntry entry)
    {
        var slot = new Slot
        {
            Partition = entry.Partition,
            FurthestStage = entry.FurthestStage,
            Export = entry.Export,
            LastModifiedAt = entry.LastModifiedAt,
        };
        (slot.Id, slot.IdLength) = Keep(entry.MeetingId);
        (slot.ContentHash, slot.ContentHashLength, slot.ContentHashHex) = KeepHash(entry.ContentHash);
        (slot.RawHash, slot.RawHashLength, slot.RawHashHex) = KeepHash(entry.RawHash);
        Insert(slot);
    }

    /// <summary>The entry number of the meeting with this id, or -1.</summary>
    public int Find(ReadOnlySpan<char> meetingId)
    {
        var max = Encoding.UTF8.GetMaxByteCount(meetingId.Length);
        byte[]? rented = null;
        var utf8 = max <= 1024 ? stackalloc byte[max] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            return Find(utf8[..Encoding.UTF8.GetBytes(meetingId, utf8)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Whether the entry's record hash is <paramref name="hash"/> (the 16 bytes <c>RecordSpill</c> keeps; the index says them in lowercase hex).</summary>
    public bool RawHashIs(int entry, ReadOnlySpan<byte> hash)
    {
        ref readonly var slot = ref _slots[entry];
        return slot.RawHashHex && Text(slot.RawHash, slot.RawHashLength).SequenceEqual(hash);
    }

    /// <summary>Marks the entry seen; false when it already was (a second row of the same meeting).</summary>
    public bool MarkSeen(int entry)
    {
        if (_seen[entry])
        {
            return false;
        }

        _seen[entry] = true;
        return true;
    }

    public string PartitionOf(int entry) => _slots[entry].Partition;

    /// <summary>The entry made whole.</summary>
    public MeetingIndexEntry Entry(int entry)
    {
        ref readonly var slot = ref _slots[entry];
        return new MeetingIndexEntry(
            Encoding.UTF8.GetString(Text(slot.Id, slot.IdLength)),
            slot.Partition,
            slot.FurthestStage,
            slot.LastModifiedAt,
            slot.Export,
            HashText(slot.ContentHash, slot.ContentHashLength, slot.ContentHashHex),
            HashText(slot.RawHash, slot.RawHashLength, slot.RawHashHex));
    }

    public MeetingIndexEntry[] ToArray()
    {
        var entries = new MeetingIndexEntry[Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = Entry(i);
        }

        return entries;
    }

    /// <summary>Empties it, keeping its buffers for the next rows (a bucket's entries after another's).</summary>
    public void Clear()
    {
        Array.Clear(_slots, 0, Count);
        Array.Clear(_seen, 0, Count);
        Array.Clear(_table);
        Count = 0;
        _textLength = 0;
    }

    private void AddEntry(ref Utf8JsonReader reader)
    {
        var slot = new Slot { IdLength = -1, ContentHashLength = -1, RawHashLength = -1 };
        string? partition = null;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = reader;
            Next(ref reader);
            if (name.ValueTextEquals("meetingId"u8))
            {
                (slot.Id, slot.IdLength) = Keep(ref reader);
            }
            else if (name.ValueTextEquals("partition"u8))
            {
                partition = pool.Get(ref reader);
            }
            else if (name.ValueTextEquals("furthestStage"u8))
            {
                slot.FurthestStage = pool.Get(ref reader);
            }
            else if (name.ValueTextEquals("lastModifiedAt"u8))
            {
                slot.LastModifiedAt = reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset();
            }
            else if (name.ValueTextEquals("export"u8))
            {
                slot.Export = pool.Get(ref reader);
            }
            else if (name.ValueTextEquals("contentHash"u8))
            {
                (slot.ContentHash, slot.ContentHashLength, slot.ContentHashHex) = KeepHash(Keep(ref reader));
            }
            else if (name.ValueTextEquals("rawHash"u8))
            {
                (slot.RawHash, slot.RawHashLength, slot.RawHashHex) = KeepHash(Keep(ref reader));
            }
            else
            {
                reader.Skip();
            }
        }

        if (slot.IdLength < 0)
        {
            throw new JsonException("A meeting index entry has no meetingId.");
        }

        slot.Partition = partition ?? throw new JsonException($"The meeting index entry of {Encoding.UTF8.GetString(Text(slot.Id, slot.IdLength))} has no partition.");
        Insert(slot);
    }

    /// <summary>Adds the entry unless its id is already here (the first added stands; its texts stay in the buffer, unused).</summary>
    private void Insert(in Slot slot)
    {
        if (Find(Text(slot.Id, slot.IdLength)) >= 0)
        {
            return;
        }

        if (Count == _slots.Length)
        {
            Array.Resize(ref _slots, Count * 2);
            Array.Resize(ref _seen, Count * 2);
        }

        _slots[Count++] = slot;
        if (Count * 2 > _table.Length)
        {
            Rehash();
        }
        else
        {
            Place(Count - 1);
        }
    }

    private int Find(ReadOnlySpan<byte> id)
    {
        var table = _table;
        var mask = table.Length - 1;
        for (var at = (int)XxHash3.HashToUInt64(id) & mask; ; at = (at + 1) & mask)
        {
            var entry = table[at] - 1;
            if (entry < 0)
            {
                return -1;
            }

            if (Text(_slots[entry].Id, _slots[entry].IdLength).SequenceEqual(id))
            {
                return entry;
            }
        }
    }

    private void Place(int entry)
    {
        var table = _table;
        var mask = table.Length - 1;
        var at = (int)XxHash3.HashToUInt64(Text(_slots[entry].Id, _slots[entry].IdLength)) & mask;
        while (table[at] != 0)
        {
            at = (at + 1) & mask;
        }

        table[at] = entry + 1;
    }

    private void Rehash()
    {
        // Four times the entries: at most half full until the next rehash.
        _table = new int[System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Count * 4)];
        for (var entry = 0; entry < Count; entry++)
        {
            Place(entry);
        }
    }

    private ReadOnlySpan<byte> Text(int start, int length) => length < 0 ? [] : _texts.AsSpan(start, length);

    private string? HashText(int start, int length, bool hex) =>
        length < 0 ? null : hex ? Convert.ToHexStringLower(Text(start, length)) : Encoding.UTF8.GetString(Text(start, length));

    private static DateTimeOffset ChangeTime(long utcTicks, short offsetMinutes)
    {
        var offset = TimeSpan.FromMinutes(offsetMinutes);
        return new DateTimeOffset(utcTicks + offset.Ticks, offset);
    }

    /// <summary>A hash kept as text at <paramref name="kept"/>, turned into its bytes in place when it is lowercase hex.</summary>
    private (int Start, int Length, bool Hex) KeepHash((int Start, int Length) kept)
    {
        var text = _texts.AsSpan(kept.Start, Math.Max(kept.Length, 0));
        if (kept.Length < 0 || !IndexPackLayout.IsLowerHex(text))
        {
            return (kept.Start, kept.Length, false);
        }

        IndexPackLayout.FromLowerHex(text, text[..(text.Length / 2)]);
        _textLength = kept.Start + text.Length / 2;
        return (kept.Start, text.Length / 2, true);
    }

    private (int Start, int Length, bool Hex) KeepHash(string? text) => KeepHash(Keep(text));

    /// <summary>A hash as <see cref="IndexPackLayout"/> keeps it.</summary>
    private (int Start, int Length, bool Hex) KeepHash(ref PackBytes.Reader reader) => reader.Byte() switch
    {
        IndexPackLayout.None => (0, -1, false),
        IndexPackLayout.Hex => (Keep(reader.Bytes(reader.Count())) is var (start, length) ? (start, length, true) : default),
        IndexPackLayout.Text => KeepHash(Keep(reader.Bytes(reader.Count()))),
        var other => throw new InvalidDataException($"A meeting index pack holds hash tag {other}."),
    };

    private (int Start, int Length) Keep(ReadOnlySpan<byte> utf8)
    {
        var start = Reserve(utf8.Length);
        utf8.CopyTo(_texts.AsSpan(start));
        _textLength = start + utf8.Length;
        return (start, utf8.Length);
    }

    /// <summary>Copies a string value (unescaped) into the shared buffer; a null value is absent.</summary>
    private (int Start, int Length) Keep(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return (0, -1);
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"A meeting index entry holds {reader.TokenType} where a text belongs.");
        }

        var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        var start = Reserve(length);
        var written = reader.CopyString(_texts.AsSpan(start, length));
        _textLength = start + written;
        return (start, written);
    }

    private (int Start, int Length) Keep(string? text)
    {
        if (text is null)
        {
            return (0, -1);
        }

        var start = Reserve(Encoding.UTF8.GetByteCount(text));
        var written = Encoding.UTF8.GetBytes(text, _texts.AsSpan(start));
        _textLength = start + written;
        return (start, written);
    }

    /// <summary>Makes room for <paramref name="length"/> more bytes; returns where they start.</summary>
    private int Reserve(int length)
    {
        if (_textLength + length > _texts.Length)
        {
            Array.Resize(ref _texts, Math.Max(_texts.Length * 2, _textLength + length));
        }

        return _textLength;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("A meeting index pack ends in the middle of its JSON.");
}
