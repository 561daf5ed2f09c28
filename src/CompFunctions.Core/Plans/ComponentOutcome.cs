namespace CompFunctions.Core.Plans;

/// <summary>
/// What one plan component decided for one meeting: an amount (already rounded, possibly zero),
/// the reason codes behind it and a sentence a rep understands.
/// </summary>
public sealed record ComponentOutcome(string Component, Money.Money Amount, IReadOnlyList<string> ReasonCodes, string Reason);
