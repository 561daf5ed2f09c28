using CompFunctions.Core.Policies;
using Json.Schema;
using Xunit;

namespace CompFunctions.Core.Tests;

public sealed class PolicyDocumentTests
{
    private static PolicyDocumentException RulesetError(string json) =>
        Assert.Throws<PolicyDocumentException>(() => PolicyDocuments.ParseRuleset(json, "rulesets/r.json", Samples.Context));

    private static string Ruleset(string paths) => $$"""{ "id": "r", "version": 1, "effective_from": "2026-01-01", "paths": [ {{paths}} ] }""";

    [Fact]
    public void Every_sample_ruleset_and_the_sample_plan_are_valid_documents()
    {
        foreach (var file in Directory.GetFiles(Samples.PathOf("comp-config/rulesets"), "*.json"))
        {
            Assert.Equal(Path.GetFileNameWithoutExtension(file), Samples.Ruleset(Path.GetFileNameWithoutExtension(file)).Id);
        }

        Assert.Equal("icp-2026", Samples.Plan.Ruleset);
        foreach (var file in Directory.GetFiles(Samples.PathOf("comp-config/plans"), "*.json"))
        {
            Assert.Equal(Path.GetFileNameWithoutExtension(file), PolicyDocuments.ParsePlan(File.ReadAllText(file), file, Samples.Context).Id);
        }
    }

    [Fact]
    public void A_misspelled_property_is_an_error_that_names_it()
    {
        var error = RulesetError(Ruleset("""{ "type": "icp", "criteria": [ { "type": "employee_count", "minimum": 50 } ] }"""));

        Assert.Contains("rulesets/r.json", error.Message);
        Assert.Contains("minimum", error.Message);
    }

    [Fact]
    public void An_unknown_criterion_type_is_an_error()
    {
        RulesetError(Ruleset("""{ "type": "icp", "criteria": [ { "type": "zodiac_sign" } ] }"""));
    }

    [Fact]
    public void An_unknown_stage_is_an_error_naming_the_field_and_the_configured_stages()
    {
        var error = RulesetError(Ruleset("""{ "type": "stage_reached", "stage": "Signed" }"""));

        Assert.Contains("paths.stage_reached: 'stage' 'Signed' is not one of the configured stages (Discovery, Demo, Proposal, Negotiation, Closed Won)", error.Problems);
    }

    [Fact]
    public void An_empty_grade_set_is_an_error()
    {
        var error = RulesetError(Ruleset("""{ "type": "icp", "criteria": [ { "type": "lead_score", "allowed": [] } ] }"""));

        Assert.Contains("paths.icp.criteria.lead_score: 'allowed' must list at least one value", error.Problems);
    }

    [Fact]
    public void A_range_with_min_above_max_is_an_error()
    {
        var error = RulesetError(Ruleset("""{ "type": "icp", "criteria": [ { "type": "employee_count", "min": 500, "max": 50 } ] }"""));

        Assert.Contains("paths.icp.criteria.employee_count: 'min' (500) is greater than 'max' (50)", error.Problems);
    }

    [Fact]
    public void Invalid_json_is_an_error_with_its_position()
    {
        var error = RulesetError("""{ "id": "r", "version": 1,, }""");

        Assert.Contains("invalid JSON", error.Message);
    }

    [Fact]
    public void A_missing_effective_from_is_an_error()
    {
        var error = RulesetError("""{ "id": "r", "version": 1, "paths": [ { "type": "meeting_set" } ] }""");

        Assert.Contains("effective_from", error.Message);
    }

    [Fact]
    public void Every_problem_of_a_plan_is_listed()
    {
        const string json = """
            { "id": "p", "version": 0, "effective_from": "2026-01-01", "currency": "DOLLARS", "ruleset": "r",
              "components": [ { "type": "pipeline_percent", "id": "pipeline", "percent": 150, "min_stage": "Signed" } ] }
            """;

        var error = Assert.Throws<PolicyDocumentException>(() => PolicyDocuments.ParsePlan(json, "plans/p.json", Samples.Context));

        Assert.Contains("version: must be 1 or more", error.Problems);
        Assert.Contains(error.Problems, p => p.Contains("DOLLARS", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("percent must be between 0 and 100", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("min_stage 'Signed'", StringComparison.Ordinal));
    }
}

public sealed class PolicyAcceptanceTests
{
    [Fact]
    public void A_new_version_with_its_own_start_day_is_accepted()
    {
        var v1 = Samples.Ruleset();

        Assert.Equal(AcceptanceDecision.Accept, PolicyAcceptance.Decide(v1 with { Version = 2, EffectiveFrom = new DateOnly(2026, 12, 1) }, [v1]).Decision);
    }

    [Fact]
    public void The_same_version_again_is_already_accepted()
    {
        var v1 = Samples.Ruleset();

        Assert.Equal(AcceptanceDecision.AlreadyAccepted, PolicyAcceptance.Decide(Samples.Ruleset(), [v1]).Decision);
    }

    [Fact]
    public void A_changed_document_under_an_accepted_version_is_rejected()
    {
        var v1 = Samples.Ruleset();

        var (decision, problems) = PolicyAcceptance.Decide(v1 with { Name = "edited" }, [v1]);

        Assert.Equal(AcceptanceDecision.Reject, decision);
        Assert.Contains("already accepted with different content", Assert.Single(problems));
    }

    [Fact]
    public void Two_versions_starting_the_same_day_are_rejected()
    {
        var v1 = Samples.Ruleset();

        var (decision, problems) = PolicyAcceptance.Decide(v1 with { Version = 2 }, [v1]);

        Assert.Equal(AcceptanceDecision.Reject, decision);
        Assert.Contains("effective_from: version 1 of icp-2026 already takes effect on 2026-01-01", Assert.Single(problems));
    }
}

/// <summary>The JSON Schemas editors use must agree with what the product accepts.</summary>
public sealed class SchemaTests
{
    // A schema registers its $id globally when built, so each is built once per test run.
    private static readonly Dictionary<string, JsonSchema> Built = [];

    private static JsonSchema Schema(string name)
    {
        lock (Built)
        {
            if (!Built.TryGetValue(name, out var schema))
            {
                Built[name] = schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "schemas", name)));
            }

            return schema;
        }
    }

    private static bool Valid(JsonSchema schema, string json) =>
        schema.Evaluate(System.Text.Json.JsonDocument.Parse(json, new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true }).RootElement).IsValid;

    [Fact]
    public void Every_sample_document_validates_against_its_schema()
    {
        var rulesets = Schema("ruleset.schema.json");
        foreach (var file in Directory.GetFiles(Samples.PathOf("comp-config/rulesets"), "*.json"))
        {
            Assert.True(Valid(rulesets, File.ReadAllText(file)), file);
        }

        foreach (var file in Directory.GetFiles(Samples.PathOf("comp-config/plans"), "*.json"))
        {
            Assert.True(Valid(Schema("plan.schema.json"), File.ReadAllText(file)), file);
        }
    }

    [Theory]
    [InlineData("""{ "type": "icp", "criteria": [ { "type": "zodiac_sign" } ] }""")]
    [InlineData("""{ "type": "icp", "criteria": [ { "type": "lead_score", "allowed": [] } ] }""")]
    [InlineData("""{ "type": "icp", "criteria": [ { "type": "employee_count", "minimum": 5 } ] }""")]
    [InlineData("""{ "type": "teleport" }""")]
    public void Documents_the_product_rejects_fail_the_schema_too(string path)
    {
        var json = $$"""{ "id": "r", "version": 1, "effective_from": "2026-01-01", "paths": [ {{path}} ] }""";

        Assert.False(Valid(Schema("ruleset.schema.json"), json));
        Assert.Throws<PolicyDocumentException>(() => PolicyDocuments.ParseRuleset(json, "r.json", Samples.Context));
    }
}

public sealed class DerivedTests
{
    [Fact]
    public void Every_derived_value_is_held_in_a_field_that_can_remember_it()
    {
        // Derived is a struct: in a readonly field each call works on a copy, and the value would be computed every time.
        var fields = typeof(Derived<,>).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.DeclaredOnly))
            .Where(f => f.FieldType.IsGenericType && f.FieldType.GetGenericTypeDefinition() == typeof(Derived<,>))
            .ToArray();

        Assert.NotEmpty(fields);
        Assert.All(fields, f => Assert.False(f.IsInitOnly, $"{f.DeclaringType!.Name}.{f.Name} is readonly"));
    }

    [Fact]
    public void A_derived_value_is_computed_once_for_its_owner_and_again_for_a_copy()
    {
        var holder = new Holder("a");

        Assert.Equal(("A", 1), (holder.Upper(), holder.Computed));
        Assert.Equal(("A", 1), (holder.Upper(), holder.Computed));
        var copy = holder with { Name = "b" };
        Assert.Equal(("B", 2), (copy.Upper(), copy.Computed));
        Assert.Equal(("A", 1), (holder.Upper(), holder.Computed));
        Assert.Equal(holder, holder with { });
    }

    private sealed record Holder(string Name)
    {
        private Derived<Holder, string> _upper;

        public int Computed { get; private set; }

        public string Upper() => _upper.For(this, static h =>
        {
            h.Computed++;
            return h.Name.ToUpperInvariant();
        });
    }
}
