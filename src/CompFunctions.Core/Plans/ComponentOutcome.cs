using CompFunctions.Core.Text;

namespace CompFunctions.Core.Plans;

/// <summary>
/// What one plan component decided for one meeting: an amount (already rounded, possibly zero),
/// the reason codes behind it and a sentence a rep understands (formatted when first read, see
/// <see cref="LazyText"/>).
/// </summary>
/// <remarks>A value, not an object: the line made of it is what an evaluation keeps.</remarks>
public readonly record struct ComponentOutcome(string Component, Money.Money Amount, IReadOnlyList<string> ReasonCodes, string Reason)
{
    private readonly LazyText? _reason = LazyText.From(Reason);

    internal ComponentOutcome(string component, Money.Money amount, IReadOnlyList<string> reasonCodes, LazyText reason)
        : this(component, amount, reasonCodes, "") => _reason = reason;

    public string Reason { get => _reason?.Value!; init => _reason = LazyText.From(value); }

    /// <summary>The reason as it is kept, to hand on to a line without formatting it.</summary>
    internal LazyText? ReasonText => _reason;
}
