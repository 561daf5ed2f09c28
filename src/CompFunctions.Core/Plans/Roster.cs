using CompFunctions.Core.Meetings;
using CompFunctions.Core.Policies;

namespace CompFunctions.Core.Plans;

/// <summary>
/// One SDR on one plan from <see cref="From"/> to <see cref="To"/> (both inclusive; open-ended
/// when <see cref="To"/> is absent). <see cref="StartDate"/> is when the SDR started, for ramp.
/// </summary>
public sealed record Assignment(string SdrId, string Plan, DateOnly From, DateOnly? To = null, DateOnly? StartDate = null)
{
    public bool Covers(DateOnly day) => From <= day && (To is null || day <= To);
}

/// <summary>The roster document (<c>comp-config/rosters/*.json</c>): which SDR is on which plan from which day.</summary>
public sealed record Roster(string Id, int Version, DateOnly EffectiveFrom, IReadOnlyList<Assignment> Assignments, string? Name = null) : IPolicyDocument
{
    [System.Text.Json.Serialization.JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public Assignment? For(string sdrId, DateOnly day) =>
        Assignments.FirstOrDefault(a => string.Equals(a.SdrId, sdrId, StringComparison.Ordinal) && a.Covers(day));

    public IEnumerable<string> Validate()
    {
        if (!Identifier.IsValid(Id))
        {
            yield return $"id: '{Id}' {Identifier.Describe(Id)}";
        }

        foreach (var (a, i) in (Assignments ?? []).Select((a, i) => (a, i)))
        {
            if (!Identifier.IsValid(a.SdrId) || !Identifier.IsValid(a.Plan))
            {
                yield return $"assignments[{i}]: 'sdr_id' and 'plan' must be ids (A-Z a-z 0-9 . _ : -)";
            }

            if (a.To < a.From)
            {
                yield return $"assignments[{i}]: 'to' ({a.To:yyyy-MM-dd}) is before 'from' ({a.From:yyyy-MM-dd})";
            }
        }

        foreach (var sdr in (Assignments ?? []).GroupBy(a => a.SdrId, StringComparer.Ordinal))
        {
            var ordered = sdr.OrderBy(a => a.From).ToArray();
            for (var i = 1; i < ordered.Length; i++)
            {
                if (ordered[i - 1].To is null || ordered[i - 1].To >= ordered[i].From)
                {
                    yield return $"assignments: {sdr.Key} is on {ordered[i - 1].Plan} from {ordered[i - 1].From:yyyy-MM-dd} and on {ordered[i].Plan} from {ordered[i].From:yyyy-MM-dd}, which overlap; end the first with 'to'";
                }
            }
        }
    }
}
