namespace CompFunctions.Core.Policies;

/// <summary>
/// A value a policy document's record derives from its own parts (normalized allowed values, a
/// compiled pattern, the text of what a criterion expects), computed the first time it is needed
/// instead of once per meeting. It belongs to the record that computed it: a copy made with
/// <c>with</c> shares the field but computes its own value, since its parts may differ. It is not
/// part of the record's identity: every <see cref="Derived{TOwner, TValue}"/> equals every other,
/// so records still compare by their parts.
/// </summary>
/// <remarks>
/// A struct, so that a record holding one costs nothing until the value is asked for (a verdict is
/// made per meeting). Hold it in a field that is not <c>readonly</c>: a readonly field would hand
/// <see cref="For"/> a copy, and the value would be computed on every call (a test checks).
/// </remarks>
internal struct Derived<TOwner, TValue> : IEquatable<Derived<TOwner, TValue>>
    where TOwner : class
{
    private Entry? _entry;

    /// <param name="compute">A static lambda, so that asking costs no allocation.</param>
    public TValue For(TOwner owner, Func<TOwner, TValue> compute)
    {
        var entry = _entry;
        if (entry is null || !ReferenceEquals(entry.Owner, owner))
        {
            entry = new Entry(owner, compute(owner));
            _entry = entry;
        }

        return entry.Value;
    }

    public readonly bool Equals(Derived<TOwner, TValue> other) => true;

    public override readonly bool Equals(object? obj) => obj is Derived<TOwner, TValue>;

    public override readonly int GetHashCode() => 0;

    private sealed record Entry(TOwner Owner, TValue Value);
}
