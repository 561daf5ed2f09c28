using System.Text.Json;

namespace CompFunctions.Core.Policies;

public enum AcceptanceDecision
{
    /// <summary>A new version: store it.</summary>
    Accept,

    /// <summary>This very version is already accepted with the same content: nothing to do.</summary>
    AlreadyAccepted,

    /// <summary>It conflicts with what is accepted: keep what is in force.</summary>
    Reject,
}

/// <summary>
/// Decides whether a valid document may join the versions already accepted for its id. A version,
/// once accepted, never changes (a change is a new version), and two versions cannot take effect
/// on the same day (which one would be in force would be ambiguous).
/// </summary>
public static class PolicyAcceptance
{
    public static (AcceptanceDecision Decision, IReadOnlyList<string> Problems) Decide<T>(T candidate, IEnumerable<T> accepted)
        where T : IPolicyDocument
    {
        var problems = new List<string>();
        foreach (var existing in accepted)
        {
            if (existing.Version == candidate.Version)
            {
                if (Canonical(existing) == Canonical(candidate))
                {
                    return (AcceptanceDecision.AlreadyAccepted, []);
                }

                problems.Add($"version: {candidate.Version} of {candidate.Id} is already accepted with different content; publish the change as a new version");
            }
            else if (existing.EffectiveFrom == candidate.EffectiveFrom)
            {
                problems.Add($"effective_from: version {existing.Version} of {candidate.Id} already takes effect on {existing.EffectiveFrom:yyyy-MM-dd}; two versions cannot start the same day");
            }
        }

        return problems.Count == 0 ? (AcceptanceDecision.Accept, []) : (AcceptanceDecision.Reject, problems);
    }

    private static string Canonical<T>(T document) => JsonSerializer.Serialize(document, PolicyDocuments.JsonOptions);
}
