using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Policies;

namespace CompFunctions.Core.Qualification;

/// <summary>
/// A qualification ruleset document, one version of it. It is in force from
/// <see cref="EffectiveFrom"/> (a local date, inclusive) until the next version's date. A meeting
/// is judged by the version in force on the local day it was booked: disqualifiers first, then the
/// paths in order.
/// </summary>
public sealed record Ruleset(
    string Id,
    int Version,
    DateOnly EffectiveFrom,
    IReadOnlyList<QualificationPath> Paths,
    IReadOnlyList<Disqualifier>? Disqualifiers = null,
    string? Name = null,
    string? Description = null) : IPolicyDocument
{
    private static readonly Disqualification Rescheduled = new("rescheduled", "MEETING_RESCHEDULED", "the meeting was rescheduled: it counts once, when it is held");

    /// <summary>The JSON Schema an editor validates the document with; ignored by the product.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public DocumentRef Ref => new(Id, Version);

    /// <summary>Judges one meeting on its own; <paramref name="others"/> are the SDR's meetings it may duplicate.</summary>
    public (Disqualification? Disqualified, IReadOnlyList<PathOutcome> Paths) Judge(Meeting meeting, IReadOnlyList<Meeting> others, EvaluationContext context)
    {
        var disqualified = meeting.Status == MeetingStatus.Rescheduled ? Rescheduled : null;
        for (var i = 0; disqualified is null && i < (Disqualifiers?.Count ?? 0); i++)
        {
            disqualified = Disqualifiers![i].Check(meeting, others, context);
        }

        var paths = new PathOutcome[Paths.Count];
        for (var i = 0; i < paths.Length; i++)
        {
            paths[i] = Paths[i].Evaluate(meeting, context);
        }

        return (disqualified, paths);
    }

    public IEnumerable<string> Validate(EvaluationContext context)
    {
        if (!Identifier.IsValid(Id))
        {
            yield return $"id: '{Id}' {Identifier.Describe(Id)}";
        }

        if (Version < 1)
        {
            yield return "version: must be 1 or more";
        }

        if (Paths is null || Paths.Count == 0)
        {
            yield return "paths: must list at least one way to qualify";
            yield break;
        }

        var duplicate = Paths.GroupBy(p => p.Type, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            yield return $"paths: '{duplicate.Key}' is listed twice";
        }

        foreach (var problem in Paths.SelectMany(p => p.Validate(context)))
        {
            yield return "paths." + problem;
        }

        foreach (var problem in (Disqualifiers ?? []).SelectMany(d => d.Validate()))
        {
            yield return "disqualifiers." + problem;
        }
    }
}
