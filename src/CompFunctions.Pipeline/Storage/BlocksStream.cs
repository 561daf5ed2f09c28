namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Blocks of bytes read as one stream, without copying them into one array (a bucket's index blob
/// is ~0.8 MB at 1,000,000 rows: one array of it was a large object per bucket written). Seekable,
/// so an upload can be retried from the start.
/// </summary>
public sealed class BlocksStream(IReadOnlyList<byte[]> blocks) : Stream
{
    private readonly long _length = blocks.Sum(b => (long)b.Length);
    private long _position;
    private int _block;
    private int _offset;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = Math.Min(value, _length);
            var left = _position;
            _block = 0;
            while (_block < blocks.Count && left >= blocks[_block].Length)
            {
                left -= blocks[_block].Length;
                _block++;
            }

            _offset = (int)left;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length && _block < blocks.Count)
        {
            var left = blocks[_block].AsSpan(_offset);
            var n = Math.Min(left.Length, buffer.Length - read);
            left[..n].CopyTo(buffer[read..]);
            read += n;
            _offset += n;
            if (_offset == blocks[_block].Length)
            {
                (_block, _offset) = (_block + 1, 0);
            }
        }

        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer, offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => _length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
