using System.Globalization;
using System.Text.Json.Serialization;
using CompFunctions.Core.Meetings;

namespace CompFunctions.Core.Qualification;

/// <summary>
/// One qualification criterion: a small, immutable piece of a ruleset document that judges one
/// thing about a meeting. The JSON <c>type</c> names the class.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(LeadScoreCriterion), "lead_score")]
[JsonDerivedType(typeof(EmployeeCountCriterion), "employee_count")]
[JsonDerivedType(typeof(IndustryCriterion), "industry")]
public abstract record Criterion
{
    /// <summary>The name reported in <c>failedCriteria</c>, e.g. <c>lead_score</c>.</summary>
    [JsonIgnore]
    public abstract string Name { get; }

    public abstract CriterionOutcome Evaluate(Meeting meeting);

    /// <summary>Problems that make the document unusable, in words RevOps can act on.</summary>
    public abstract IEnumerable<string> Validate();
}

/// <summary>Passes when the predictive lead score grade is one of <see cref="Allowed"/>.</summary>
public sealed record LeadScoreCriterion(IReadOnlyList<string> Allowed) : Criterion
{
    public override string Name => "lead_score";

    public override CriterionOutcome Evaluate(Meeting meeting)
    {
        var wanted = string.Join(" or ", Allowed);
        if (meeting.LeadScore is not { } score)
        {
            return new(Name, false, "LEAD_SCORE_MISSING", $"lead score not given (needs {wanted})");
        }

        var passed = Allowed.Contains(score.ToString(), StringComparer.OrdinalIgnoreCase);
        return passed
            ? new(Name, true, "LEAD_SCORE_ALLOWED", $"lead score {score} is {wanted}")
            : new(Name, false, "LEAD_SCORE_NOT_ALLOWED", $"lead score {score} (needs {wanted})");
    }

    public override IEnumerable<string> Validate()
    {
        if (Allowed is null || Allowed.Count == 0)
        {
            yield return "lead_score: 'allowed' must list at least one grade";
            yield break;
        }

        foreach (var grade in Allowed.Where(g => !MeetingEnumText.TryParseLeadScore(g, out _)))
        {
            yield return $"lead_score: '{grade}' is not a lead score grade (A, B, C or D)";
        }
    }
}

/// <summary>Passes when the account has at least <see cref="Min"/> employees (and at most <see cref="Max"/> when given).</summary>
public sealed record EmployeeCountCriterion(int Min, int? Max = null) : Criterion
{
    public override string Name => "employee_count";

    public override CriterionOutcome Evaluate(Meeting meeting)
    {
        var range = Max is { } max ? $"{Min}–{max}" : $"at least {Min}";
        if (meeting.EmployeeCount is not { } count)
        {
            return new(Name, false, "EMPLOYEE_COUNT_MISSING", $"employee count not given (needs {range})");
        }

        var passed = count >= Min && (Max is null || count <= Max);
        var shown = count.ToString("N0", CultureInfo.InvariantCulture);
        return passed
            ? new(Name, true, "EMPLOYEE_COUNT_IN_RANGE", $"{shown} employees is {range}")
            : new(Name, false, "EMPLOYEE_COUNT_OUT_OF_RANGE", $"{shown} employees (needs {range})");
    }

    public override IEnumerable<string> Validate()
    {
        if (Min < 0)
        {
            yield return "employee_count: 'min' must be ≥ 0";
        }

        if (Max is { } max && max < Min)
        {
            yield return "employee_count: 'max' must be ≥ 'min'";
        }
    }
}

/// <summary>Passes when the account's industry is in <see cref="Allowed"/> (case-insensitive).</summary>
public sealed record IndustryCriterion(IReadOnlyList<string> Allowed) : Criterion
{
    public override string Name => "industry";

    public override CriterionOutcome Evaluate(Meeting meeting)
    {
        if (meeting.Industry is not { } industry)
        {
            return new(Name, false, "INDUSTRY_MISSING", "industry not given (needs an ICP industry)");
        }

        return Allowed.Contains(industry, StringComparer.OrdinalIgnoreCase)
            ? new(Name, true, "INDUSTRY_IN_ICP", $"industry {industry} is in the ICP list")
            : new(Name, false, "INDUSTRY_NOT_IN_ICP", $"industry {industry} is not in the ICP list ({string.Join(", ", Allowed)})");
    }

    public override IEnumerable<string> Validate()
    {
        if (Allowed is null || Allowed.Count == 0 || Allowed.Any(string.IsNullOrWhiteSpace))
        {
            yield return "industry: 'allowed' must list at least one non-empty industry";
        }
    }
}
