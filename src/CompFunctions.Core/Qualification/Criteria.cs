using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Text;

namespace CompFunctions.Core.Qualification;

/// <summary>
/// One qualification criterion: a small, immutable piece of a ruleset document that judges one
/// thing about a meeting and says which value it looked at. The JSON <c>type</c> names the class;
/// <c>name</c> (default: the type) is what <c>failedCriteria</c> reports; <c>required</c>
/// (default true) says whether a failure blocks the path or is only shown.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(LeadScoreCriterion), "lead_score")]
[JsonDerivedType(typeof(EmployeeCountCriterion), "employee_count")]
[JsonDerivedType(typeof(IndustryCriterion), "industry")]
[JsonDerivedType(typeof(ContactTitleCriterion), "contact_title")]
[JsonDerivedType(typeof(SegmentCriterion), "segment")]
[JsonDerivedType(typeof(SourceCriterion), "source")]
[JsonDerivedType(typeof(AtLeastCriterion), "at_least")]
public abstract record Criterion
{
    [JsonPropertyName("name")]
    public string? DisplayName { get; init; }

    public bool Required { get; init; } = true;

    [JsonIgnore]
    protected abstract string Type { get; }

    /// <summary>The name reported in <c>failedCriteria</c>, e.g. <c>lead_score</c>.</summary>
    [JsonIgnore]
    public string Name => DisplayName ?? Type;

    public abstract CriterionOutcome Evaluate(Meeting meeting);

    /// <summary>Problems that make the document unusable, each naming the field, in words RevOps can act on.</summary>
    public abstract IEnumerable<string> Validate();

    protected CriterionOutcome Pass(string code, string observed, string expected, string explanation) =>
        new(Name, true, Required, code, observed, expected, explanation);

    protected CriterionOutcome Fail(string code, string observed, string expected, string explanation) =>
        new(Name, false, Required, code, observed, expected, explanation);

    /// <summary>Checks a list of allowed values: not empty, no blanks, optionally each one known.</summary>
    protected IEnumerable<string> ValidateList(string field, IReadOnlyList<string>? values, Func<string, bool>? known = null, string? knownValues = null)
    {
        if (values is null || values.Count == 0)
        {
            yield return $"{Name}: '{field}' must list at least one value";
            yield break;
        }

        foreach (var value in values)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"{Name}: '{field}' has an empty value";
            }
            else if (known is not null && !known(value))
            {
                yield return $"{Name}: '{field}' value '{value}' is not one of {knownValues}";
            }
        }
    }

    protected static bool InList(IReadOnlyList<string> list, string value) => list.Any(v => Normalized.Of(v) == Normalized.Of(value));
}

/// <summary>Passes when the predictive lead score grade is one of <see cref="Allowed"/>.</summary>
public sealed record LeadScoreCriterion(IReadOnlyList<string> Allowed) : Criterion
{
    protected override string Type => "lead_score";

    public override CriterionOutcome Evaluate(Meeting meeting)
    {
        var wanted = string.Join(" or ", Allowed);
        if (meeting.LeadScore is not { } score)
        {
            return Fail("LEAD_SCORE_MISSING", "", wanted, $"lead score not given (needs {wanted})");
        }

        return InList(Allowed, score.ToString())
            ? Pass("LEAD_SCORE_ALLOWED", score.ToString(), wanted, $"lead score {score} is {wanted}")
            : Fail("LEAD_SCORE_NOT_ALLOWED", score.ToString(), wanted, $"lead score {score} (needs {wanted})");
    }

    public override IEnumerable<string> Validate() =>
        ValidateList("allowed", Allowed, g => MeetingEnumText.TryParseLeadScore(g, out _), "A, B, C, D");
}

/// <summary>Passes when the account has at least <see cref="Min"/> and at most <see cref="Max"/> employees (each optional).</summary>
public sealed record EmployeeCountCriterion(int? Min = null, int? Max = null) : Criterion
{
    protected override string Type => "employee_count";

    private string Range => (Min, Max) switch
    {
        ({ } min, { } max) => $"{Count(min)}–{Count(max)}",
        ({ } min, null) => $"at least {Count(min)}",
        (null, { } max) => $"at most {Count(max)}",
        _ => "any",
    };

    private static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public override CriterionOutcome Evaluate(Meeting meeting)
    {
        var range = Range;
        if (meeting.EmployeeCount is not { } count)
        {
            return Fail("EMPLOYEE_COUNT_MISSING", "", range, $"employee count not given (needs {range})");
        }

        var shown = count.ToString("N0", CultureInfo.InvariantCulture);
        return count >= (Min ?? 0) && count <= (Max ?? int.MaxValue)
            ? Pass("EMPLOYEE_COUNT_IN_RANGE", shown, range, $"{shown} employees is {range}")
            : Fail("EMPLOYEE_COUNT_OUT_OF_RANGE", shown, range, $"{shown} employees (needs {range})");
    }

    public override IEnumerable<string> Validate()
    {
        if (Min is null && Max is null)
        {
            yield return $"{Name}: give 'min', 'max' or both";
        }

        if (Min < 0 || Max < 0)
        {
            yield return $"{Name}: 'min' and 'max' must be ≥ 0";
        }

        if (Min is { } min && Max is { } max && max < min)
        {
            yield return $"{Name}: 'min' ({min}) is greater than 'max' ({max})";
        }
    }
}

/// <summary>Passes when the industry is in <see cref="In"/>, or not in <see cref="NotIn"/> (one of the two).</summary>
public sealed record IndustryCriterion(IReadOnlyList<string>? In = null, IReadOnlyList<string>? NotIn = null) : Criterion
{
    protected override string Type => "industry";

    public override CriterionOutcome Evaluate(Meeting meeting)
    {
        var expected = In is not null ? $"one of {string.Join(", ", In)}" : $"none of {string.Join(", ", NotIn!)}";
        if (meeting.Industry is not { } industry)
        {
            return Fail("INDUSTRY_MISSING", "", expected, $"industry not given (needs {expected})");
        }

        if (In is not null)
        {
            return InList(In, industry)
                ? Pass("INDUSTRY_IN_LIST", industry, expected, $"industry {industry} is in the list")
                : Fail("INDUSTRY_NOT_IN_LIST", industry, expected, $"industry {industry} is not in the list ({string.Join(", ", In)})");
        }

        return InList(NotIn!, industry)
            ? Fail("INDUSTRY_EXCLUDED", industry, expected, $"industry {industry} is excluded")
            : Pass("INDUSTRY_NOT_EXCLUDED", industry, expected, $"industry {industry} is not excluded");
    }

    public override IEnumerable<string> Validate() =>
        (In is null) == (NotIn is null)
            ? [$"{Name}: give exactly one of 'in' and 'not_in'"]
            : ValidateList(In is not null ? "in" : "not_in", In ?? NotIn);
}

/// <summary>
/// Passes when the contact's title matches a persona: one of <see cref="Keywords"/> as whole words,
/// or one of <see cref="Patterns"/> (regular expressions), both on the title lower-cased, without
/// accents and with punctuation as spaces ("VP, Sales" → "vp sales", "Dirección" → "direccion").
/// </summary>
public sealed record ContactTitleCriterion(IReadOnlyList<string>? Keywords = null, IReadOnlyList<string>? Patterns = null) : Criterion
{
    protected override string Type => "contact_title";

    private string Expected => string.Join(" or ", (Keywords ?? []).Select(k => $"\"{k}\"").Concat((Patterns ?? []).Select(p => $"/{p}/")));

    public override CriterionOutcome Evaluate(Meeting meeting)
    {
        if (meeting.ContactTitle is not { } title)
        {
            return Fail("CONTACT_TITLE_MISSING", "", Expected, "contact title not given (needs a target persona)");
        }

        var normalized = Normalized.Of(title);
        var keyword = (Keywords ?? []).FirstOrDefault(k => Normalized.ContainsPhrase(normalized, k));
        var pattern = keyword is null
            ? (Patterns ?? []).FirstOrDefault(p => Regex.IsMatch(normalized, p, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)))
            : null;
        return keyword is not null || pattern is not null
            ? Pass("CONTACT_TITLE_PERSONA", title, Expected, $"contact title \"{title}\" matches the persona \"{keyword ?? pattern}\"")
            : Fail("CONTACT_TITLE_NOT_PERSONA", title, Expected, $"contact title \"{title}\" is not a target persona");
    }

    public override IEnumerable<string> Validate()
    {
        if ((Keywords?.Count ?? 0) + (Patterns?.Count ?? 0) == 0)
        {
            yield return $"{Name}: give at least one of 'keywords' and 'patterns'";
        }

        foreach (var keyword in Keywords ?? [])
        {
            if (Normalized.Of(keyword).Length == 0)
            {
                yield return $"{Name}: 'keywords' has an empty keyword";
            }
        }

        foreach (var pattern in Patterns ?? [])
        {
            string? problem = null;
            try
            {
                _ = new Regex(pattern, RegexOptions.CultureInvariant);
            }
            catch (ArgumentException ex)
            {
                problem = $"{Name}: 'patterns' value '{pattern}' is not a regular expression ({ex.Message})";
            }

            if (problem is not null)
            {
                yield return problem;
            }
        }
    }
}

/// <summary>Passes when the segment (e.g. SMB, MM, ENT) is one of <see cref="Allowed"/>.</summary>
public sealed record SegmentCriterion(IReadOnlyList<string> Allowed) : Criterion
{
    protected override string Type => "segment";

    public override CriterionOutcome Evaluate(Meeting meeting)
    {
        var wanted = string.Join(" or ", Allowed);
        return meeting.Segment is not { } segment
            ? Fail("SEGMENT_MISSING", "", wanted, $"segment not given (needs {wanted})")
            : InList(Allowed, segment)
                ? Pass("SEGMENT_ALLOWED", segment, wanted, $"segment {segment} is {wanted}")
                : Fail("SEGMENT_NOT_ALLOWED", segment, wanted, $"segment {segment} (needs {wanted})");
    }

    public override IEnumerable<string> Validate() => ValidateList("allowed", Allowed);
}

/// <summary>Passes when the lead source (outbound, inbound) is one of <see cref="Allowed"/>.</summary>
public sealed record SourceCriterion(IReadOnlyList<string> Allowed) : Criterion
{
    protected override string Type => "source";

    public override CriterionOutcome Evaluate(Meeting meeting)
    {
        var wanted = string.Join(" or ", Allowed);
        return meeting.Source is not { } source
            ? Fail("SOURCE_MISSING", "", wanted, $"source not given (needs {wanted})")
            : InList(Allowed, source.ToContractText())
                ? Pass("SOURCE_ALLOWED", source.ToContractText(), wanted, $"source {source.ToContractText()} is {wanted}")
                : Fail("SOURCE_NOT_ALLOWED", source.ToContractText(), wanted, $"source {source.ToContractText()} (needs {wanted})");
    }

    public override IEnumerable<string> Validate() =>
        ValidateList("allowed", Allowed, s => MeetingEnumText.TryParseSource(s, out _), "outbound, inbound");
}

/// <summary>Passes when at least <see cref="Count"/> of the criteria in <see cref="Of"/> pass.</summary>
public sealed record AtLeastCriterion(int Count, IReadOnlyList<Criterion> Of) : Criterion
{
    protected override string Type => "at_least";

    public override CriterionOutcome Evaluate(Meeting meeting)
    {
        var outcomes = Of.Select(c => c.Evaluate(meeting)).ToArray();
        var passed = outcomes.Count(o => o.Passed);
        var names = string.Join(", ", outcomes.Select(o => o.Criterion));
        var observed = string.Join(", ", outcomes.Where(o => o.Passed).Select(o => o.Criterion));
        var expected = $"at least {Count} of {names}";
        var detail = string.Join("; ", outcomes.Select(o => o.Explanation));
        return passed >= Count
            ? Pass("AT_LEAST_MET", observed, expected, $"{passed} of {outcomes.Length} met (needs {Count}): {detail}")
            : Fail("AT_LEAST_NOT_MET", observed, expected, $"only {passed} of {outcomes.Length} met (needs {Count}): {detail}");
    }

    public override IEnumerable<string> Validate()
    {
        if (Of is null || Of.Count == 0)
        {
            yield return $"{Name}: 'of' must list criteria";
            yield break;
        }

        if (Count < 1 || Count > Of.Count)
        {
            yield return $"{Name}: 'count' must be between 1 and {Of.Count} (the number of criteria in 'of')";
        }

        foreach (var problem in Of.SelectMany(c => c.Validate()))
        {
            yield return $"{Name}.{problem}";
        }
    }
}
