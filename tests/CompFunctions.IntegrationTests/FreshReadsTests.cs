using CompFunctions.Pipeline.Storage;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>Unit tests (no storage): collapsed reads never answer a caller from a read that started before it asked.</summary>
public sealed class FreshReadsTests
{
    /// <summary>Reads that end when the test says so; the next read may start on another thread.</summary>
    private sealed class ControlledReads
    {
        private readonly List<TaskCompletionSource<string>> _started = [];

        public int Count
        {
            get
            {
                lock (_started)
                {
                    return _started.Count;
                }
            }
        }

        public Task<string> ReadAsync(string key)
        {
            var read = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_started)
            {
                _started.Add(read);
            }

            return read.Task;
        }

        /// <summary>Read number <paramref name="index"/> (from 0), once it has started.</summary>
        public async Task<TaskCompletionSource<string>> StartedAsync(int index)
        {
            await PipelineFixture.Until(() => Task.FromResult(Count > index), $"read {index} to start");
            lock (_started)
            {
                return _started[index];
            }
        }
    }

    /// <summary>A finished read forgets its key (the bookkeeping may run just after the callers are answered).</summary>
    private static Task NoneInFlightAsync(FreshReads<string, string> fresh) =>
        PipelineFixture.Until(() => Task.FromResult(fresh.InFlight == 0), "every key to leave flight once its reads ended");

    [Fact]
    public async Task A_caller_arriving_during_a_read_is_answered_by_the_next_read_not_the_one_in_flight()
    {
        var reads = new ControlledReads();
        var fresh = new FreshReads<string, string>();

        var first = fresh.ReadAsync("k", reads.ReadAsync);
        var later = fresh.ReadAsync("k", reads.ReadAsync);
        Assert.Equal(1, reads.Count);

        (await reads.StartedAsync(0)).SetResult("before the write");
        Assert.Equal("before the write", await first);
        var next = await reads.StartedAsync(1);
        Assert.False(later.IsCompleted);

        next.SetResult("after the write");
        Assert.Equal("after the write", await later);
        await NoneInFlightAsync(fresh);
    }

    [Fact]
    public async Task Many_callers_arriving_during_one_read_share_a_single_next_read()
    {
        var reads = new ControlledReads();
        var fresh = new FreshReads<string, string>();

        var first = fresh.ReadAsync("k", reads.ReadAsync);
        var waiting = Enumerable.Range(0, 20).Select(_ => fresh.ReadAsync("k", reads.ReadAsync)).ToArray();
        var otherKey = fresh.ReadAsync("other", reads.ReadAsync);
        (await reads.StartedAsync(1)).SetResult("other");
        (await reads.StartedAsync(0)).SetResult("1");
        await first;
        (await reads.StartedAsync(2)).SetResult("2");

        Assert.All(await Task.WhenAll(waiting), v => Assert.Equal("2", v));
        Assert.Equal("other", await otherKey);
        Assert.Equal(3, reads.Count);
    }

    [Fact]
    public async Task A_failed_read_fails_only_its_own_callers_and_the_next_read_still_happens()
    {
        var reads = new ControlledReads();
        var fresh = new FreshReads<string, string>();

        var first = fresh.ReadAsync("k", reads.ReadAsync);
        var later = fresh.ReadAsync("k", reads.ReadAsync);
        (await reads.StartedAsync(0)).SetException(new TimeoutException("storage timed out"));
        await Assert.ThrowsAsync<TimeoutException>(() => first);
        (await reads.StartedAsync(1)).SetResult("recovered");

        Assert.Equal("recovered", await later);
        Assert.Equal("fine", await fresh.ReadAsync("k", _ => Task.FromResult("fine")));
        await NoneInFlightAsync(fresh);
    }
}
