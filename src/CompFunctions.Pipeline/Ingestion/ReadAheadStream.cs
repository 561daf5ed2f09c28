using System.Buffers;
using System.Security.Cryptography;
using System.Threading.Channels;

namespace CompFunctions.Pipeline.Ingestion;

/// <summary>
/// A read-only stream over <c>inner</c> (the export blob) that downloads ahead of its reader and
/// hashes (SHA-256) every byte on the way, on a task of its own: while the CSV parser works on one
/// block, the next blocks are fetched and hashed. At most <c>depth</c> blocks wait at a time, so
/// memory does not grow with the file. Measured on an unchanged 1,000,000-row night, hashing and
/// waiting for the download were a tenth of the parser's thread.
/// </summary>
internal sealed class ReadAheadStream : Stream
{
    private const int BlockBytes = 64 * 1024;
    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Channel<(byte[] Block, int Length)> _blocks;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _fetching;
    private byte[]? _current;
    private int _length;
    private int _offset;
    private bool _ended;
    private bool _disposed;

    public ReadAheadStream(Stream inner, int depth = 16)
    {
        _inner = inner;
        _blocks = Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(depth) { SingleReader = true, SingleWriter = true });
        _fetching = Task.Run(FetchAsync);
    }

    /// <summary>
    /// SHA-256 of the whole of <c>inner</c>, as lower-case hex. What the reader has not read yet
    /// (a file whose reading stopped at a malformed record) is read to its end first, so the hash
    /// always names the file, not how far it was read.
    /// </summary>
    public async Task<string> HashHexAsync(CancellationToken cancellationToken)
    {
        var rest = new byte[BlockBytes];
        while (!_ended && await ReadAsync(rest, cancellationToken).ConfigureAwait(false) > 0)
        {
        }

        await _fetching.ConfigureAwait(false);
        return Convert.ToHexStringLower(_hash.GetCurrentHash());
    }

    private async Task FetchAsync()
    {
        try
        {
            while (true)
            {
                var block = ArrayPool<byte>.Shared.Rent(BlockBytes);
                var length = 0;
                int read;
                while (length < BlockBytes && (read = await _inner.ReadAsync(block.AsMemory(length, BlockBytes - length), _stop.Token).ConfigureAwait(false)) > 0)
                {
                    length += read;
                }

                if (length == 0)
                {
                    ArrayPool<byte>.Shared.Return(block);
                    _blocks.Writer.Complete();
                    return;
                }

                _hash.AppendData(block, 0, length);
                await _blocks.Writer.WriteAsync((block, length), _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            // The reader sees the failure (a changed blob, a lost connection) on its next read.
            _blocks.Writer.TryComplete(e);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_current is null || _offset == _length)
        {
            if (_current is not null)
            {
                ArrayPool<byte>.Shared.Return(_current);
                _current = null;
            }

            if (_ended || !await _blocks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _ended = true;
                return 0;
            }

            if (_blocks.Reader.TryRead(out var next))
            {
                (_current, _length, _offset) = (next.Block, next.Length, 0);
            }
        }

        var n = Math.Min(buffer.Length, _length - _offset);
        _current.AsSpan(_offset, n).CopyTo(buffer.Span);
        _offset += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _inner.Length;
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            StopAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private async ValueTask StopAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _fetching.ConfigureAwait(false); // never throws: failures complete the channel
        while (_blocks.Reader.TryRead(out var left))
        {
            ArrayPool<byte>.Shared.Return(left.Block);
        }

        if (_current is not null)
        {
            ArrayPool<byte>.Shared.Return(_current);
            _current = null;
        }

        _hash.Dispose();
        _stop.Dispose();
    }
}
