namespace CompFunctions.Pipeline.Ingestion;

/// <summary>
/// A report's list of rows that cannot grow without bound: counts every entry added but keeps only
/// the <c>limit</c> with the lowest line numbers (entries arrive bucket by bucket, not in file order,
/// so "the first ones" means the first lines of the file).
/// </summary>
internal sealed class QuarantineList(int limit)
{
    // Highest line on top, so the entry to drop when a lower one arrives is at hand.
    private readonly PriorityQueue<QuarantineEntry, long> _kept = new(Comparer<long>.Create((a, b) => b.CompareTo(a)));

    public long Count { get; private set; }

    /// <summary>The kept entries, in line order.</summary>
    public IReadOnlyList<QuarantineEntry> Listed => _kept.UnorderedItems.Select(i => i.Element).OrderBy(e => e.Line).ToArray();

    public bool Truncated => Count > _kept.Count;

    public void Add(QuarantineEntry entry)
    {
        Count++;
        if (_kept.Count < limit)
        {
            _kept.Enqueue(entry, entry.Line);
        }
        else if (limit > 0 && entry.Line < _kept.Peek().Line)
        {
            _kept.EnqueueDequeue(entry, entry.Line);
        }
    }
}
