using CompFunctions.Core.Meetings;
using CompFunctions.Core.Policies;

namespace CompFunctions.Core.Qualification;

/// <summary>
/// A qualification rule: a meeting meets it when every one of its criteria passes.
/// </summary>
public sealed record QualificationRule(string Name, IReadOnlyList<Criterion> Criteria, string? Description = null);

/// <summary>
/// A qualification ruleset document. A meeting is qualified when it meets any one of the rules,
/// tried in order; the first that passes is the one named in the verdict.
/// </summary>
public sealed record Ruleset(string Id, int Version, IReadOnlyList<QualificationRule> Rules, string? Name = null)
{
    public DocumentRef Ref => new(Id, Version);

    public Verdict Evaluate(Meeting meeting)
    {
        var outcomes = new List<CriterionOutcome>();
        foreach (var rule in Rules)
        {
            var ruleOutcomes = rule.Criteria.Select(c => c.Evaluate(meeting)).ToArray();
            if (ruleOutcomes.All(o => o.Passed))
            {
                return new Verdict(true, rule.Name, [], ruleOutcomes);
            }

            outcomes.AddRange(ruleOutcomes);
        }

        var failed = outcomes.Where(o => !o.Passed).Select(o => o.Criterion).Distinct().ToArray();
        return new Verdict(false, null, failed, outcomes);
    }

    public IEnumerable<string> Validate()
    {
        if (!Identifier.IsValid(Id))
        {
            yield return $"id '{Id}' {Identifier.Describe(Id)}";
        }

        if (Version < 1)
        {
            yield return "version must be 1 or more";
        }

        if (Rules is null || Rules.Count == 0)
        {
            yield return "rules must list at least one rule";
            yield break;
        }

        foreach (var (rule, index) in Rules.Select((r, i) => (r, i)))
        {
            if (string.IsNullOrWhiteSpace(rule.Name))
            {
                yield return $"rules[{index}]: name is required";
            }

            if (rule.Criteria is null || rule.Criteria.Count == 0)
            {
                yield return $"rules[{index}]: criteria must list at least one criterion";
                continue;
            }

            foreach (var problem in rule.Criteria.SelectMany(c => c.Validate()))
            {
                yield return $"rules[{index}].{problem}";
            }
        }
    }
}
