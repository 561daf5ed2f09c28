using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Policies;
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

    private protected CriterionOutcome Pass(string code, string observed, string expected, LazyText explanation) =>
        new(Name, true, Required, code, observed, expected, explanation);

    private protected CriterionOutcome Fail(string code, string observed, string expected, LazyText explanation) =>
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

    /// <summary>The outcome of a criterion that wants a value out of a list: missing, allowed or not (the value as reasons show it).</summary>
    private protected CriterionOutcome OneOf(OneOfWords words, ValueList allowed, string? shown)
    {
        var wanted = allowed.Joined;
        if (shown is null)
        {
            return Fail(words.Missing, "", wanted, LazyText.Of((words.What, wanted), static p => $"{p.What} not given (needs {p.wanted})"));
        }

        return allowed.Contains(shown)
            ? Pass(words.Allowed, shown, wanted, LazyText.Of((words.What, shown, wanted), static p => $"{p.What} {p.shown} is {p.wanted}"))
            : Fail(words.NotAllowed, shown, wanted, LazyText.Of((words.What, shown, wanted), static p => $"{p.What} {p.shown} (needs {p.wanted})"));
    }

    /// <summary>What a list criterion calls its value in reasons, and its three reason codes.</summary>
    private protected sealed record OneOfWords(string What, string Missing, string Allowed, string NotAllowed);

    /// <summary>A list of allowed values as criteria compare them (normalized) and show them (joined the way reasons print them).</summary>
    private protected sealed class ValueList(IReadOnlyList<string> values, string separator)
    {
        private readonly string[] _normalized = values.Select(Normalized.Of).ToArray();

        public string Joined { get; } = string.Join(separator, values);

        /// <summary>True when <paramref name="value"/> is in the list, compared normalized.</summary>
        public bool Contains(string value) => Normalized.IsOneOf(value, _normalized);
    }
}

/// <summary>Passes when the predictive lead score grade is one of <see cref="Allowed"/>.</summary>
public sealed record LeadScoreCriterion(IReadOnlyList<string> Allowed) : Criterion
{
    private static readonly OneOfWords Words = new("lead score", "LEAD_SCORE_MISSING", "LEAD_SCORE_ALLOWED", "LEAD_SCORE_NOT_ALLOWED");

    private readonly Derived<LeadScoreCriterion, ValueList> _allowed = new();

    protected override string Type => "lead_score";

    public override CriterionOutcome Evaluate(Meeting meeting) =>
        OneOf(Words, _allowed.For(this, static c => new ValueList(c.Allowed, " or ")), meeting.LeadScore?.ToGradeText());

    public override IEnumerable<string> Validate() =>
        ValidateList("allowed", Allowed, g => MeetingEnumText.TryParseLeadScore(g, out _), "A, B, C, D");
}

/// <summary>Passes when the account has at least <see cref="Min"/> and at most <see cref="Max"/> employees (each optional).</summary>
public sealed record EmployeeCountCriterion(int? Min = null, int? Max = null) : Criterion
{
    private readonly Derived<EmployeeCountCriterion, string> _range = new();

    protected override string Type => "employee_count";

    private string Range => _range.For(this, static c => c.RangeText);

    private string RangeText => (Min, Max) switch
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
            return Fail("EMPLOYEE_COUNT_MISSING", "", range, LazyText.Of(range, static r => $"employee count not given (needs {r})"));
        }

        var shown = count.ToString("N0", CultureInfo.InvariantCulture);
        return count >= (Min ?? 0) && count <= (Max ?? int.MaxValue)
            ? Pass("EMPLOYEE_COUNT_IN_RANGE", shown, range, LazyText.Of((shown, range), static p => $"{p.shown} employees is {p.range}"))
            : Fail("EMPLOYEE_COUNT_OUT_OF_RANGE", shown, range, LazyText.Of((shown, range), static p => $"{p.shown} employees (needs {p.range})"));
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
    private readonly Derived<IndustryCriterion, (ValueList List, string Expected)> _list = new();

    protected override string Type => "industry";

    public override CriterionOutcome Evaluate(Meeting meeting)
    {
        var (list, expected) = _list.For(this, static c => c.In is not null
            ? (new ValueList(c.In, ", "), $"one of {string.Join(", ", c.In)}")
            : (new ValueList(c.NotIn!, ", "), $"none of {string.Join(", ", c.NotIn!)}"));
        if (meeting.Industry is not { } industry)
        {
            return Fail("INDUSTRY_MISSING", "", expected, LazyText.Of(expected, static e => $"industry not given (needs {e})"));
        }

        if (In is not null)
        {
            return list.Contains(industry)
                ? Pass("INDUSTRY_IN_LIST", industry, expected, LazyText.Of(industry, static i => $"industry {i} is in the list"))
                : Fail("INDUSTRY_NOT_IN_LIST", industry, expected, LazyText.Of((industry, list), static p => $"industry {p.industry} is not in the list ({p.list.Joined})"));
        }

        return list.Contains(industry)
            ? Fail("INDUSTRY_EXCLUDED", industry, expected, LazyText.Of(industry, static i => $"industry {i} is excluded"))
            : Pass("INDUSTRY_NOT_EXCLUDED", industry, expected, LazyText.Of(industry, static i => $"industry {i} is not excluded"));
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
    private static readonly LazyText NotGiven = LazyText.From("contact title not given (needs a target persona)")!;

    private readonly Derived<ContactTitleCriterion, Persona> _persona = new();

    protected override string Type => "contact_title";

    public override CriterionOutcome Evaluate(Meeting meeting)
    {
        var persona = _persona.For(this, static c => new Persona(c.Keywords ?? [], c.Patterns ?? []));
        if (meeting.ContactTitle is not { } title)
        {
            return Fail("CONTACT_TITLE_MISSING", "", persona.Expected, NotGiven);
        }

        var matched = persona.Match(title);
        return matched is not null
            ? Pass("CONTACT_TITLE_PERSONA", title, persona.Expected, LazyText.Of((title, matched), static p => $"contact title \"{p.title}\" matches the persona \"{p.matched}\""))
            : Fail("CONTACT_TITLE_NOT_PERSONA", title, persona.Expected, LazyText.Of(title, static t => $"contact title \"{t}\" is not a target persona"));
    }

    /// <summary>
    /// The keywords normalized once and the patterns made once (each when first needed, so a bad
    /// one fails where it always did). A title's match depends on nothing but the title, and an
    /// export repeats a few hundred titles over and over, so each title's match is remembered
    /// (up to <see cref="RememberedTitles"/> titles; a match that timed out is not remembered).
    /// </summary>
    private sealed class Persona(IReadOnlyList<string> keywords, IReadOnlyList<string> patterns)
    {
        private const int RememberedTitles = 20_000;

        private readonly string[] _keywords = keywords.Select(Normalized.Of).ToArray();
        private readonly Regex?[] _patterns = new Regex?[patterns.Count];
        private readonly ConcurrentDictionary<string, string?> _matches = new(StringComparer.Ordinal);
        private int _remembered;

        public string Expected { get; } = string.Join(" or ", keywords.Select(k => $"\"{k}\"").Concat(patterns.Select(p => $"/{p}/")));

        /// <summary>The first keyword found as whole words in the normalized title, else the first pattern that matches it, else null.</summary>
        public string? Match(string title)
        {
            if (_matches.TryGetValue(title, out var known))
            {
                return known;
            }

            var matched = MatchNormalized(Normalized.Of(title));
            if (_remembered < RememberedTitles && _matches.TryAdd(title, matched))
            {
                Interlocked.Increment(ref _remembered);
            }

            return matched;
        }

        private string? MatchNormalized(string normalizedTitle)
        {
            var words = Normalized.Of(normalizedTitle);
            for (var i = 0; i < _keywords.Length; i++)
            {
                if (Normalized.ContainsWords(words, _keywords[i]))
                {
                    return keywords[i];
                }
            }

            for (var i = 0; i < _patterns.Length; i++)
            {
                var pattern = _patterns[i] ??= new Regex(patterns[i], RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
                if (pattern.IsMatch(normalizedTitle))
                {
                    return patterns[i];
                }
            }

            return null;
        }
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
    private static readonly OneOfWords Words = new("segment", "SEGMENT_MISSING", "SEGMENT_ALLOWED", "SEGMENT_NOT_ALLOWED");

    private readonly Derived<SegmentCriterion, ValueList> _allowed = new();

    protected override string Type => "segment";

    public override CriterionOutcome Evaluate(Meeting meeting) =>
        OneOf(Words, _allowed.For(this, static c => new ValueList(c.Allowed, " or ")), meeting.Segment);

    public override IEnumerable<string> Validate() => ValidateList("allowed", Allowed);
}

/// <summary>Passes when the lead source (outbound, inbound) is one of <see cref="Allowed"/>.</summary>
public sealed record SourceCriterion(IReadOnlyList<string> Allowed) : Criterion
{
    private static readonly OneOfWords Words = new("source", "SOURCE_MISSING", "SOURCE_ALLOWED", "SOURCE_NOT_ALLOWED");

    private readonly Derived<SourceCriterion, ValueList> _allowed = new();

    protected override string Type => "source";

    public override CriterionOutcome Evaluate(Meeting meeting) =>
        OneOf(Words, _allowed.For(this, static c => new ValueList(c.Allowed, " or ")), meeting.Source?.ToContractText());

    public override IEnumerable<string> Validate() =>
        ValidateList("allowed", Allowed, s => MeetingEnumText.TryParseSource(s, out _), "outbound, inbound");
}

/// <summary>Passes when at least <see cref="Count"/> of the criteria in <see cref="Of"/> pass.</summary>
public sealed record AtLeastCriterion(int Count, IReadOnlyList<Criterion> Of) : Criterion
{
    private readonly Derived<AtLeastCriterion, string> _expected = new();

    protected override string Type => "at_least";

    public override CriterionOutcome Evaluate(Meeting meeting)
    {
        var outcomes = new CriterionOutcome[Of.Count];
        var passed = 0;
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = Of[i].Evaluate(meeting);
            passed += outcomes[i].Passed ? 1 : 0;
        }

        var observed = string.Join(", ", outcomes.Where(o => o.Passed).Select(o => o.Criterion));
        var expected = _expected.For(this, static c => $"at least {c.Count} of {string.Join(", ", c.Of.Select(o => o.Name))}");
        return passed >= Count
            ? Pass("AT_LEAST_MET", observed, expected, LazyText.Of((passed, outcomes, Count), static p => $"{p.passed} of {p.outcomes.Length} met (needs {p.Count}): {Detail(p.outcomes)}"))
            : Fail("AT_LEAST_NOT_MET", observed, expected, LazyText.Of((passed, outcomes, Count), static p => $"only {p.passed} of {p.outcomes.Length} met (needs {p.Count}): {Detail(p.outcomes)}"));
    }

    private static string Detail(CriterionOutcome[] outcomes) => string.Join("; ", outcomes.Select(o => o.Explanation));

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
