namespace CompFunctions.Pipeline.Ingestion;

/// <summary>Counts every item added but keeps only the first <c>limit</c>: a report's row list that cannot grow without bound.</summary>
internal sealed class BoundedList<T>(int limit)
{
    private readonly List<T> _listed = [];

    public long Count { get; private set; }

    public IReadOnlyList<T> Listed => _listed;

    public bool Truncated => Count > _listed.Count;

    public void Add(T item)
    {
        Count++;
        if (_listed.Count < limit)
        {
            _listed.Add(item);
        }
    }
}
