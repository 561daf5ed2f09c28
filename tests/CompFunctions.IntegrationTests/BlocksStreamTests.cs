using CompFunctions.Pipeline.Storage;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>An index blob is uploaded from its compressed blocks as one stream: every read and seek must see the bytes joined.</summary>
public sealed class BlocksStreamTests
{
    private static readonly byte[][] Blocks = [[1, 2, 3], [], [4], [5, 6, 7, 8, 9], [], [10, 11]];
    private static readonly byte[] Joined = [.. Blocks.SelectMany(b => b)];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(64)]
    public void Reading_in_any_chunk_size_gives_the_blocks_joined(int chunk)
    {
        using var stream = new BlocksStream(Blocks);
        var read = new List<byte>();
        var buffer = new byte[chunk];
        for (int n; (n = stream.Read(buffer, 0, chunk)) > 0;)
        {
            read.AddRange(buffer.Take(n));
        }

        Assert.Equal(Joined, read);
        Assert.Equal(Joined.Length, stream.Position);
        Assert.Equal(0, stream.Read(buffer, 0, chunk));
    }

    [Fact]
    public void After_a_seek_to_any_position_the_rest_is_read_from_there()
    {
        using var stream = new BlocksStream(Blocks);
        for (var at = 0; at <= Joined.Length; at++)
        {
            stream.Position = at;
            var rest = new MemoryStream();
            stream.CopyTo(rest);

            Assert.Equal(Joined[at..], rest.ToArray());
        }

        Assert.Equal(4, stream.Seek(-7, SeekOrigin.End));
        Assert.Equal(5, stream.ReadByte());
    }

    [Fact]
    public async Task An_upload_retried_from_the_start_reads_the_same_bytes_again()
    {
        using var stream = new BlocksStream(Blocks);
        var first = new MemoryStream();
        await stream.CopyToAsync(first);
        stream.Position = 0;
        var again = new MemoryStream();
        await stream.CopyToAsync(again);

        Assert.Equal(Joined, first.ToArray());
        Assert.Equal(Joined, again.ToArray());
    }
}
