using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using CompFunctions.Core.Export;

namespace CompFunctions.Pipeline.Ingestion;

/// <summary>
/// Export records exactly as read — their known cells, untrimmed, unparsed — sorted into local
/// files by the meeting's index bucket, each with a 128-bit hash (XxHash128) of its cells and of
/// the settings that decide where a meeting is applied. A record whose hash equals the one the
/// index keeps for its meeting is the row that was applied before, byte for byte, under the same
/// settings: ingestion skips it without parsing it. Only the records that differ are parsed.
/// </summary>
/// <remarks>
/// Why not SHA-256, as the content hash and the statement digest use: this hash only decides
/// whether to look at a record again, over ~226 MB a night on one core, and a forged collision
/// would have to anticipate the CRM's own next edit of the row, timestamps included (an AE's
/// decision changes <c>ae_decision_at</c> and <c>last_modified_at</c>). Digests that decide
/// what is paid and shown stay SHA-256.
/// A record on disk: its payload length (4 bytes), then the payload — line (8), hash (16), and per
/// known cell its UTF-8 length (4; -1 when the file has no such column) and bytes.
/// </remarks>
internal sealed class RecordSpill : IDisposable
{
    // Written and read back 64 KiB at a time: the files' system calls were a third of an unchanged night's CPU at 16 KiB.
    private const int BufferBytes = 64 * 1024;
    private const int HeadBytes = 8 + 16;
    private readonly string _folder;
    private readonly byte[] _settings;
    private readonly FileStream?[] _files;
    private readonly ArrayBufferWriter<byte> _payload = new(1024);
    private readonly XxHash128 _hasher = new();

    /// <param name="settings">What else decides how a record is applied (time zone, stage order): part of every hash.</param>
    public RecordSpill(string folder, int files, string settings)
    {
        _folder = folder;
        _settings = Encoding.UTF8.GetBytes(settings);
        _files = new FileStream?[files];
        Directory.CreateDirectory(folder);
    }

    public int Files => _files.Length;

    /// <summary>Appends the reader's current record to <paramref name="file"/>.</summary>
    public void Add(int file, CrmExportReader reader)
    {
        _payload.ResetWrittenCount();
        _payload.Advance(HeadBytes); // line and hash, filled in below
        var cells = CrmExportReader.KnownColumns.Count;
        for (var k = 0; k < cells; k++)
        {
            var cell = reader.CellSpan(k, out var present);
            var length = present ? Encoding.UTF8.GetByteCount(cell) : -1;
            BinaryPrimitives.WriteInt32LittleEndian(_payload.GetSpan(4), length);
            _payload.Advance(4);
            if (length > 0)
            {
                Encoding.UTF8.GetBytes(cell, _payload.GetSpan(length));
                _payload.Advance(length);
            }
        }

        var payload = MemoryMarshal.AsMemory(_payload.WrittenMemory).Span;
        BinaryPrimitives.WriteInt64LittleEndian(payload, reader.Line);
        // One hasher for every record (like the payload buffer: records are added one at a time); a
        // new one per record was a third of an unchanged night's allocations.
        _hasher.Reset();
        _hasher.Append(_settings);
        _hasher.Append(payload[HeadBytes..]);
        _hasher.GetCurrentHash(payload.Slice(8, 16));

        var stream = _files[file] ??= new FileStream(PathOf(file), FileMode.Create, FileAccess.ReadWrite, FileShare.None, BufferBytes);
        Span<byte> length4 = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length4, payload.Length);
        stream.Write(length4);
        stream.Write(payload);
    }

    /// <summary>
    /// The records of one file, in the order they were added. The record handed out is reused:
    /// read what you need from it before moving on. Adding to that file afterwards is not supported.
    /// </summary>
    public IEnumerable<SpilledRecord> Read(int file)
    {
        if (_files[file] is not { } stream)
        {
            yield break;
        }

        stream.Flush();
        stream.Position = 0;
        var record = new SpilledRecord();
        var length4 = new byte[4];
        while (stream.Read(length4) == 4)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(length4);
            record.Load(stream, length);
            yield return record;
        }

        stream.Dispose();
        _files[file] = null;
        File.Delete(PathOf(file));
    }

    public void Dispose()
    {
        for (var i = 0; i < _files.Length; i++)
        {
            _files[i]?.Dispose();
            File.Delete(PathOf(i));
        }
    }

    private string PathOf(int file) => Path.Combine(_folder, $"records-{file:D3}.bin");
}

/// <summary>One spilled record (see <see cref="RecordSpill"/>); reused from record to record.</summary>
internal sealed class SpilledRecord
{
    private byte[] _payload = new byte[1024];
    private int _length;

    public long Line => BinaryPrimitives.ReadInt64LittleEndian(_payload);

    /// <summary>The record's hash as 32 lowercase hex digits, the form the index keeps.</summary>
    public string HashText => Convert.ToHexStringLower(_payload, 8, 16);

    /// <summary>The record's hash: 16 bytes (<see cref="HashText"/> in hex).</summary>
    public ReadOnlySpan<byte> Hash => _payload.AsSpan(8, 16);

    /// <summary>The longest meeting id <see cref="MeetingId"/> reads (a longer one is never a valid id, nor in the index).</summary>
    public const int MaxIdChars = 256;

    /// <summary>
    /// The meeting id cell, trimmed, decoded into <paramref name="chars"/> (<see cref="MaxIdChars"/>
    /// long); empty when the cell is empty, absent, or too long to be an id.
    /// </summary>
    public ReadOnlySpan<char> MeetingId(Span<char> chars)
    {
        var (offset, length) = Locate(CrmExportReader.MeetingIdCell);
        if (length <= 0 || length > chars.Length)
        {
            return [];
        }

        var count = Encoding.UTF8.GetChars(_payload.AsSpan(offset, length), chars);
        return chars[..count].Trim();
    }

    /// <summary>Every known cell as text (null for a column the file does not have), for parsing.</summary>
    public string?[] Cells()
    {
        var cells = new string?[CrmExportReader.KnownColumns.Count];
        var position = 24;
        for (var k = 0; k < cells.Length; k++)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(_payload.AsSpan(position));
            position += 4;
            if (length >= 0)
            {
                cells[k] = Encoding.UTF8.GetString(_payload, position, length);
                position += length;
            }
        }

        return cells;
    }

    internal void Load(Stream stream, int length)
    {
        if (_payload.Length < length)
        {
            _payload = new byte[Math.Max(length, _payload.Length * 2)];
        }

        stream.ReadExactly(_payload, 0, length);
        _length = length;
    }

    private (int Offset, int Length) Locate(int known)
    {
        var position = 24;
        for (var k = 0; ; k++)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(_payload.AsSpan(position, 4));
            position += 4;
            if (k == known)
            {
                return (position, length);
            }

            position += Math.Max(length, 0);
            if (position > _length)
            {
                throw new InvalidDataException("A spilled export record is shorter than its cells say.");
            }
        }
    }
}
