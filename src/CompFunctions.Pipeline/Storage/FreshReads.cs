namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Collapses concurrent reads of the same key without ever answering from a read that started
/// before the caller asked: a caller arriving while a read of its key is in flight waits for the
/// next read, which starts as soon as the current one ends and answers everyone who queued
/// behind it. So each answer reflects every write completed before its caller arrived, and the
/// store sees at most one read in flight per key, however many clients ask at once.
/// </summary>
public sealed class FreshReads<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, Slot> _slots = [];

    public Task<TValue> ReadAsync(TKey key, Func<TKey, Task<TValue>> read)
    {
        lock (_slots)
        {
            if (!_slots.TryGetValue(key, out var slot))
            {
                slot = new Slot();
                _slots[key] = slot;
                return Start(key, slot, read);
            }

            // A read is in flight: it may have started before this caller arrived, so join the next one.
            slot.Next ??= new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
            slot.NextRead = read;
            return slot.Next.Task;
        }
    }

    /// <summary>How many keys have a read in flight (for tests and diagnostics).</summary>
    public int InFlight
    {
        get
        {
            lock (_slots)
            {
                return _slots.Count;
            }
        }
    }

    // Called under the lock.
    private Task<TValue> Start(TKey key, Slot slot, Func<TKey, Task<TValue>> read)
    {
        Task<TValue> task;
        try
        {
            task = read(key);
        }
        catch (Exception e)
        {
            task = Task.FromException<TValue>(e);
        }

        _ = task.ContinueWith(_ => Finished(key, slot), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private void Finished(TKey key, Slot slot)
    {
        lock (_slots)
        {
            if (slot.Next is not { } waiting)
            {
                _slots.Remove(key);
                return;
            }

            slot.Next = null;
            var next = Start(key, slot, slot.NextRead!);
            _ = next.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    waiting.SetResult(t.Result);
                }
                else if (t.IsCanceled)
                {
                    waiting.SetCanceled();
                }
                else
                {
                    waiting.SetException(t.Exception!.InnerExceptions);
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private sealed class Slot
    {
        public TaskCompletionSource<TValue>? Next { get; set; }

        public Func<TKey, Task<TValue>>? NextRead { get; set; }
    }
}
