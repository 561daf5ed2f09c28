namespace CompFunctions.Core.Policies;

/// <summary>A versioned policy document (a ruleset or a plan) that is in force from a local date on.</summary>
public interface IPolicyDocument
{
    string Id { get; }

    int Version { get; }

    DateOnly EffectiveFrom { get; }
}

/// <summary>
/// Every accepted version of one document, answering which one is in force on a day: the one
/// with the latest <see cref="IPolicyDocument.EffectiveFrom"/> on or before it.
/// </summary>
public sealed class PolicyVersions<T>
    where T : IPolicyDocument
{
    private readonly T[] _byDate;

    public PolicyVersions(IEnumerable<T> versions)
    {
        _byDate = versions.OrderBy(v => v.EffectiveFrom).ThenBy(v => v.Version).ToArray();
    }

    public IReadOnlyList<T> All => _byDate;

    public T? InForceOn(DateOnly day)
    {
        for (var i = _byDate.Length - 1; i >= 0; i--)
        {
            if (_byDate[i].EffectiveFrom <= day)
            {
                return _byDate[i];
            }
        }

        return default;
    }
}
