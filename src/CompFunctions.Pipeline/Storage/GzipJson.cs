using System.Buffers;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure.Data.Tables;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// A JSON value kept gzipped in one table row, cut into binary properties <c>Data0</c>,
/// <c>Data1</c>… (Azure caps a binary property at 64 KiB and a row at 1 MiB: 15 chunks leave room
/// for the row's other properties). Tens of thousands of meetings or statement lines fit.
/// Serialized straight into the compressor and read straight from the chunks, so no buffer the
/// size of the value is ever made (such buffers land on the large object heap and stay there until
/// a full collection: at a million meetings a night, that was the working set's growth).
/// </summary>
public static class GzipJson
{
    private const string DefaultPrefix = "Data";
    private const int ChunkBytes = 64 * 1024;
    private const int MaxChunks = 15;

    /// <summary>The compressed bytes one row may hold in all (Azure caps a row at 1 MiB: this leaves room for its other properties).</summary>
    public const long RowBytes = MaxChunks * ChunkBytes;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// Writes <paramref name="value"/> into <paramref name="row"/> (properties <c>{prefix}0</c>…);
    /// <paramref name="what"/> names it if it does not fit. Values under different prefixes share
    /// the row's room.
    /// </summary>
    public static void Set<T>(TableEntity row, T value, JsonTypeInfo<T> type, string what, string prefix = DefaultPrefix) =>
        Set(row, Compress((Utf8JsonWriter json) => JsonSerializer.Serialize(json, value, type)), what, prefix);

    /// <summary>Like <see cref="Set{T}"/>, for a caller that writes the JSON itself (<paramref name="write"/> gets the writer to write it with).</summary>
    public static void Set(TableEntity row, Action<Utf8JsonWriter> write, string what, string prefix = DefaultPrefix) =>
        Set(row, Compress(write), what, prefix);

    /// <summary>Like <see cref="Set{T}"/>, for a caller that writes the bytes itself (<paramref name="write"/> gets the stream to write them to).</summary>
    public static void Set(TableEntity row, Action<Stream> write, string what, string prefix = DefaultPrefix) =>
        Set(row, Compress(write), what, prefix);

    private static void Set(TableEntity row, List<byte[]> data, string what, string prefix)
    {
        var already = row.Keys.Select(k => row[k]).OfType<byte[]>().Sum(d => (long)d.Length);
        EnsureRoom(already + data.Sum(d => (long)d.Length), what);
        Put(row, prefix, data);
    }

    /// <summary>
    /// The JSON <paramref name="write"/> writes, gzipped, in chunks of at most 64 KiB (what
    /// <see cref="Put"/> stores). The writer is the thread's own, writing straight into the
    /// blocks the compressor reads: no buffer per value, no copy of the JSON on its way.
    /// </summary>
    public static List<byte[]> Compress(Action<Utf8JsonWriter> write) => CompressBlocks(blocks =>
    {
        // Taken while in use: a value written inside another's writing gets a writer of its own.
        var writer = t_writer;
        t_writer = null;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(blocks);
        }
        else
        {
            writer.Reset(blocks);
        }

        try
        {
            write(writer);
            writer.Flush();
        }
        finally
        {
            writer.Reset();
            t_writer = writer;
        }
    });

    /// <summary>The bytes <paramref name="write"/> writes to the stream it is given, gzipped, in chunks of at most 64 KiB.</summary>
    public static List<byte[]> Compress(Action<Stream> write) => CompressBlocks(blocks =>
    {
        using var stream = new BlockStream(blocks);
        write(stream);
    });

    private static List<byte[]> CompressBlocks(Action<FixedBlocks> write)
    {
        var chunks = new ChunkWriter();
        using (var gzip = new GZipStream(chunks, CompressionLevel.Fastest, leaveOpen: true))
        using (var blocks = new FixedBlocks(gzip))
        {
            write(blocks);
            blocks.Finish();
        }

        return chunks.Finish();
    }

    /// <summary>Stores compressed <paramref name="data"/> under <paramref name="prefix"/> (properties <c>{prefix}0</c>…).</summary>
    public static void Put(TableEntity row, string prefix, List<byte[]> data)
    {
        for (var chunk = 0; chunk < data.Count; chunk++)
        {
            row[prefix + chunk] = data[chunk];
        }
    }

    /// <summary>Throws, naming <paramref name="what"/>, when a row's compressed values would take more than a row holds.</summary>
    public static void EnsureRoom(long bytes, string what)
    {
        if (bytes > RowBytes)
        {
            throw new InvalidOperationException($"{what} takes {bytes:N0} bytes compressed; one table row holds at most {RowBytes:N0}.");
        }
    }

    /// <summary>How many chunks <paramref name="bytes"/> compressed bytes take.</summary>
    public static int Chunks(int bytes) => (bytes + ChunkBytes - 1) / ChunkBytes;

    /// <summary>The value kept in <paramref name="row"/> under <paramref name="prefix"/>, or null when it holds none.</summary>
    public static T? Get<T>(TableEntity row, JsonTypeInfo<T> type, string prefix = DefaultPrefix)
    {
        using var json = Open(row, prefix);
        return json is null ? default : JsonSerializer.Deserialize(json, type);
    }

    /// <summary>The JSON kept in <paramref name="row"/> under <paramref name="prefix"/>, decompressed as it is read; null when it holds none.</summary>
    public static Stream? Open(TableEntity row, string prefix = DefaultPrefix)
    {
        var data = new List<byte[]>();
        for (var chunk = 0; chunk < MaxChunks && row.GetBinary(prefix + chunk) is { } part; chunk++)
        {
            data.Add(part);
        }

        return data.Count == 0 ? null : new GZipStream(new ChunkReader(data), CompressionMode.Decompress);
    }

    /// <summary>The property names a value under <paramref name="prefix"/> can occupy (to select them).</summary>
    public static IEnumerable<string> Properties(string prefix) => Enumerable.Range(0, MaxChunks).Select(chunk => prefix + chunk);

    /// <summary>
    /// Keeps what is written in arrays of <see cref="ChunkBytes"/> (below the large object heap's
    /// threshold); the first starts small and grows, as most values (a statement's segment) are a few KiB.
    /// </summary>
    private sealed class ChunkWriter : WriteOnlyStream
    {
        private readonly List<byte[]> _chunks = [];
        private byte[] _current = new byte[4 * 1024];
        private int _used;

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (buffer.Length > 0)
            {
                if (_used == _current.Length && _current.Length < ChunkBytes)
                {
                    Array.Resize(ref _current, Math.Min(ChunkBytes, _current.Length * 4));
                }
                else if (_used == ChunkBytes)
                {
                    _chunks.Add(_current);
                    _current = new byte[ChunkBytes];
                    _used = 0;
                }

                var n = Math.Min(buffer.Length, _current.Length - _used);
                buffer[..n].CopyTo(_current.AsSpan(_used));
                _used += n;
                buffer = buffer[n..];
            }
        }

        public List<byte[]> Finish()
        {
            if (_used > 0)
            {
                _chunks.Add(_used == ChunkBytes ? _current : _current[.._used]);
            }

            return _chunks;
        }
    }

    /// <summary>
    /// Passes what is written on in blocks of one size, the last one shorter. The compressor's
    /// output depends on how its input is cut into writes, not only on the bytes; fixed blocks make
    /// the stored bytes depend on the JSON alone, whoever wrote it and however it flushed (equal
    /// JSON, equal rows: <c>StatementJsonTests</c> compares rows written two ways byte for byte).
    /// Written into directly (a buffer writer): a JSON writer writes into room for eight blocks,
    /// whole blocks go on as they fill and only the partial last one moves back to the start.
    /// </summary>
    private sealed class FixedBlocks(Stream next) : IBufferWriter<byte>, IDisposable
    {
        private const int BlockBytes = 32 * 1024;
        private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(8 * BlockBytes);
        private int _used;

        public void Advance(int count) => _used += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Room(sizeHint).AsMemory(_used);

        public Span<byte> GetSpan(int sizeHint = 0) => Room(sizeHint).AsSpan(_used);

        /// <summary>What was written and not passed on yet, passed on (the last block shorter).</summary>
        public void Finish()
        {
            PassOnWholeBlocks();
            if (_used > 0)
            {
                next.Write(_buffer!, 0, _used);
                _used = 0;
            }
        }

        public void Dispose()
        {
            if (_buffer is { } buffer)
            {
                _buffer = null;
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private byte[] Room(int sizeHint)
        {
            var buffer = _buffer ?? throw new ObjectDisposedException(nameof(FixedBlocks));
            sizeHint = Math.Max(sizeHint, 1);
            if (buffer.Length - _used >= sizeHint)
            {
                return buffer;
            }

            PassOnWholeBlocks();
            if (buffer.Length - _used < sizeHint)
            {
                // One value longer than the room left (a long text): room for it too.
                var larger = ArrayPool<byte>.Shared.Rent(_used + sizeHint);
                buffer.AsSpan(0, _used).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                _buffer = buffer = larger;
            }

            return buffer;
        }

        private void PassOnWholeBlocks()
        {
            var buffer = _buffer!;
            var start = 0;
            for (; _used - start >= BlockBytes; start += BlockBytes)
            {
                next.Write(buffer, start, BlockBytes);
            }

            if (start > 0)
            {
                buffer.AsSpan(start, _used - start).CopyTo(buffer);
                _used -= start;
            }
        }
    }

    /// <summary>A stream over <see cref="FixedBlocks"/>, for writers of bytes rather than JSON.</summary>
    private sealed class BlockStream(FixedBlocks blocks) : WriteOnlyStream
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (buffer.Length > 0)
            {
                var room = blocks.GetSpan(Math.Min(buffer.Length, 4096));
                var n = Math.Min(room.Length, buffer.Length);
                buffer[..n].CopyTo(room);
                blocks.Advance(n);
                buffer = buffer[n..];
            }
        }
    }

    private abstract class WriteOnlyStream : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public abstract override void Write(ReadOnlySpan<byte> buffer);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>Reads the chunks one after the other.</summary>
    private sealed class ChunkReader(List<byte[]> chunks) : Stream
    {
        private int _chunk;
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (_chunk < chunks.Count && _offset == chunks[_chunk].Length)
            {
                _chunk++;
                _offset = 0;
            }

            if (_chunk == chunks.Count)
            {
                return 0;
            }

            var n = Math.Min(buffer.Length, chunks[_chunk].Length - _offset);
            chunks[_chunk].AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
