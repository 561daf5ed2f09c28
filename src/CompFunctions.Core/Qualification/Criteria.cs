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

    /// <summary>
    /// The outcome of a criterion that wants a value out of a list: missing, allowed or not (the
    /// value as reasons show it), remembered by value (see <see cref="Outcomes{TValue}"/>).
    /// </summary>
    private protected CriterionOutcome OneOf(OneOfWords words, OneOfList list, string? shown)
    {
        if (shown is null)
        {
            return list.Outcomes.Missing((Criterion: this, words, list.Allowed), static p =>
            {
                var wanted = p.Allowed.Joined;
                return p.Criterion.Fail(p.words.Missing, "", wanted, LazyText.Of((p.words.What, wanted), static w => $"{w.What} not given (needs {w.wanted})"));
            });
        }

        return list.Outcomes.Of((Criterion: this, words, list.Allowed), shown, static (p, shown) =>
        {
            var wanted = p.Allowed.Joined;
            return p.Allowed.Contains(shown)
                ? p.Criterion.Pass(p.words.Allowed, shown, wanted, LazyText.Of((p.words.What, shown, wanted), static w => $"{w.What} {w.shown} is {w.wanted}"))
                : p.Criterion.Fail(p.words.NotAllowed, shown, wanted, LazyText.Of((p.words.What, shown, wanted), static w => $"{w.What} {w.shown} (needs {w.wanted})"));
        });
    }

    /// <summary>A list criterion's allowed values and the outcomes it gave, by value.</summary>
    private protected sealed class OneOfList(IReadOnlyList<string> allowed, string separator)
    {
        public ValueList Allowed { get; } = new(allowed, separator);

        public Outcomes<string> Outcomes { get; } = new(StringComparer.Ordinal);
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

    /// <summary>
    /// A criterion's outcomes by the value it looked at. A value criterion's outcome (pass or fail,
    /// code, what it saw and wanted, its sentence) depends on nothing but the criterion and that
    /// value, and an export repeats few values (grades, segments, industries, a few hundred titles,
    /// a few thousand employee counts), so each value's outcome is made once and shared by every
    /// meeting that has it; its sentence is formatted once, when first read. Sentences of value
    /// criteria hold no culture-dependent formatting, so sharing them across evaluations is safe.
    /// Up to <see cref="Remembered"/> values are kept; other values are judged each time, and a
    /// judgement that throws (a pattern that timed out) is not kept.
    /// </summary>
    private protected sealed class Outcomes<TValue>(IEqualityComparer<TValue>? comparer = null)
        where TValue : notnull
    {
        public const int Remembered = 10_000;

        private readonly ConcurrentDictionary<TValue, CriterionOutcome> _byValue = new(comparer);
        private CriterionOutcome? _missing;
        private int _count;

        /// <summary>The outcome for a meeting without the value (made once).</summary>
        public CriterionOutcome Missing<TCriterion>(TCriterion criterion, Func<TCriterion, CriterionOutcome> judge) =>
            _missing ??= judge(criterion);

        /// <summary>The outcome for <paramref name="value"/>, judged the first time it is seen.</summary>
        /// <param name="judge">A static lambda, so that asking costs no allocation.</param>
        public CriterionOutcome Of<TCriterion>(TCriterion criterion, TValue value, Func<TCriterion, TValue, CriterionOutcome> judge)
        {
            if (_byValue.TryGetValue(value, out var known))
            {
                return known;
            }

            var outcome = judge(criterion, value);
            if (Volatile.Read(ref _count) < Remembered && _byValue.TryAdd(value, outcome))
            {
                Interlocked.Increment(ref _count);
            }

            return outcome;
        }
    }
}

/// <summary>Passes when the predictive lead score grade is one of <see cref="Allowed"/>.</summary>
public sealed record LeadScoreCriterion(IReadOnlyList<string> Allowed) : Criterion
{
    private static readonly OneOfWords Words = new("lead score", "LEAD_SCORE_MISSING", "LEAD_SCORE_ALLOWED", "LEAD_SCORE_NOT_ALLOWED");

    private Derived<LeadScoreCriterion, OneOfList> _allowed = new();

    protected override string Type => "lead_score";

    public override CriterionOutcome Evaluate(Meeting meeting) =>
        OneOf(Words, _allowed.For(this, static c => new OneOfList(c.Allowed, " or ")), meeting.LeadScore?.ToGradeText());

    public override IEnumerable<string> Validate() =>
        ValidateList("allowed", Allowed, g => MeetingEnumText.TryParseLeadScore(g, out _), "A, B, C, D");
}

/// <summary>Passes when the account has at least <see cref="Min"/> and at most <see cref="Max"/> employees (each optional).</summary>
public sealed record EmployeeCountCriterion(int? Min = null, int? Max = null) : Criterion
{
    private Derived<EmployeeCountCriterion, Outcomes<int>> _outcomes = new();

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
        var outcomes = _outcomes.For(this, static _ => new Outcomes<int>());
        if (meeting.EmployeeCount is not { } count)
        {
            return outcomes.Missing(this, static c =>
            {
                var range = c.Range;
                return c.Fail("EMPLOYEE_COUNT_MISSING", "", range, LazyText.Of(range, static r => $"employee count not given (needs {r})"));
            });
        }

        return outcomes.Of(this, count, static (c, count) =>
        {
            var (range, shown) = (c.Range, Count(count));
            return count >= (c.Min ?? 0) && count <= (c.Max ?? int.MaxValue)
                ? c.Pass("EMPLOYEE_COUNT_IN_RANGE", shown, range, LazyText.Of((shown, range), static p => $"{p.shown} employees is {p.range}"))
                : c.Fail("EMPLOYEE_COUNT_OUT_OF_RANGE", shown, range, LazyText.Of((shown, range), static p => $"{p.shown} employees (needs {p.range})"));
        });
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
    private Derived<IndustryCriterion, (ValueList List, string Expected, Outcomes<string> Outcomes)> _list = new();

    protected override string Type => "industry";

    public override CriterionOutcome Evaluate(Meeting meeting)
    {
        var judged = _list.For(this, static c => (
            new ValueList(c.In ?? c.NotIn!, ", "),
            c.In is not null ? $"one of {string.Join(", ", c.In)}" : $"none of {string.Join(", ", c.NotIn!)}",
            new Outcomes<string>(StringComparer.Ordinal)));
        if (meeting.Industry is not { } industry)
        {
            return judged.Outcomes.Missing((Criterion: this, judged.Expected), static p =>
                p.Criterion.Fail("INDUSTRY_MISSING", "", p.Expected, LazyText.Of(p.Expected, static e => $"industry not given (needs {e})")));
        }

        return judged.Outcomes.Of((Criterion: this, judged.List, judged.Expected), industry, static (p, industry) => (p.Criterion.In is not null, p.List.Contains(industry)) switch
        {
            (true, true) => p.Criterion.Pass("INDUSTRY_IN_LIST", industry, p.Expected, LazyText.Of(industry, static i => $"industry {i} is in the list")),
            (true, false) => p.Criterion.Fail("INDUSTRY_NOT_IN_LIST", industry, p.Expected, LazyText.Of((industry, p.List), static q => $"industry {q.industry} is not in the list ({q.List.Joined})")),
            (false, true) => p.Criterion.Fail("INDUSTRY_EXCLUDED", industry, p.Expected, LazyText.Of(industry, static i => $"industry {i} is excluded")),
            (false, false) => p.Criterion.Pass("INDUSTRY_NOT_EXCLUDED", industry, p.Expected, LazyText.Of(industry, static i => $"industry {i} is not excluded")),
        });
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

    private Derived<ContactTitleCriterion, Persona> _persona = new();

    protected override string Type => "contact_title";

    public override CriterionOutcome Evaluate(Meeting meeting)
    {
        var persona = _persona.For(this, static c => new Persona(c.Keywords ?? [], c.Patterns ?? []));
        if (meeting.ContactTitle is not { } title)
        {
            return persona.Outcomes.Missing((Criterion: this, persona), static p => p.Criterion.Fail("CONTACT_TITLE_MISSING", "", p.persona.Expected, NotGiven));
        }

        return persona.Outcomes.Of((Criterion: this, persona), title, static (p, title) => p.persona.Match(title) is { } matched
            ? p.Criterion.Pass("CONTACT_TITLE_PERSONA", title, p.persona.Expected, LazyText.Of((title, matched), static q => $"contact title \"{q.title}\" matches the persona \"{q.matched}\""))
            : p.Criterion.Fail("CONTACT_TITLE_NOT_PERSONA", title, p.persona.Expected, LazyText.Of(title, static t => $"contact title \"{t}\" is not a target persona")));
    }

    /// <summary>
    /// The keywords normalized once and the patterns made once (each when first needed, so a bad
    /// one fails where it always did). A title's outcome depends on nothing but the title, and an
    /// export repeats a few hundred titles over and over, so each title's outcome is remembered
    /// (see <see cref="Criterion.Outcomes{TValue}"/>; a match that timed out is not remembered).
    /// </summary>
    private sealed class Persona(IReadOnlyList<string> keywords, IReadOnlyList<string> patterns)
    {
        private readonly string[] _keywords = keywords.Select(Normalized.Of).ToArray();
        private readonly Regex?[] _patterns = new Regex?[patterns.Count];

        public string Expected { get; } = string.Join(" or ", keywords.Select(k => $"\"{k}\"").Concat(patterns.Select(p => $"/{p}/")));

        public Outcomes<string> Outcomes { get; } = new(StringComparer.Ordinal);

        /// <summary>The first keyword found as whole words in the normalized title, else the first pattern that matches it, else null.</summary>
        public string? Match(string title) => MatchNormalized(Normalized.Of(title));

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

    private Derived<SegmentCriterion, OneOfList> _allowed = new();

    protected override string Type => "segment";

    public override CriterionOutcome Evaluate(Meeting meeting) =>
        OneOf(Words, _allowed.For(this, static c => new OneOfList(c.Allowed, " or ")), meeting.Segment);

    public override IEnumerable<string> Validate() => ValidateList("allowed", Allowed);
}

/// <summary>Passes when the lead source (outbound, inbound) is one of <see cref="Allowed"/>.</summary>
public sealed record SourceCriterion(IReadOnlyList<string> Allowed) : Criterion
{
    private static readonly OneOfWords Words = new("source", "SOURCE_MISSING", "SOURCE_ALLOWED", "SOURCE_NOT_ALLOWED");

    private Derived<SourceCriterion, OneOfList> _allowed = new();

    protected override string Type => "source";

    public override CriterionOutcome Evaluate(Meeting meeting) =>
        OneOf(Words, _allowed.For(this, static c => new OneOfList(c.Allowed, " or ")), meeting.Source?.ToContractText());

    public override IEnumerable<string> Validate() =>
        ValidateList("allowed", Allowed, s => MeetingEnumText.TryParseSource(s, out _), "outbound, inbound");
}

/// <summary>Passes when at least <see cref="Count"/> of the criteria in <see cref="Of"/> pass.</summary>
public sealed record AtLeastCriterion(int Count, IReadOnlyList<Criterion> Of) : Criterion
{
    private Derived<AtLeastCriterion, string> _expected = new();

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
