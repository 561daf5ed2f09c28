using CompFunctions.Core.Policies;
using Xunit;

namespace CompFunctions.Core.Tests;

public sealed class PolicyDocumentTests
{
    [Fact]
    public void The_sample_ruleset_and_plan_are_valid_documents()
    {
        Assert.Equal("icp-2026", Samples.Ruleset.Id);
        Assert.Equal("icp-2026", Samples.Plan.Ruleset);
        Assert.Equal(3, Samples.Plan.Components.Count);
    }

    [Fact]
    public void A_misspelled_property_is_an_error_that_names_it()
    {
        const string json = """{ "id": "r", "version": 1, "rules": [ { "name": "icp", "criteria": [ { "type": "employee_count", "minimum": 50 } ] } ] }""";

        var error = Assert.Throws<PolicyDocumentException>(() => PolicyDocuments.ParseRuleset(json, "rulesets/r.json"));

        Assert.Contains("rulesets/r.json", error.Message);
        Assert.Contains("minimum", error.Message);
    }

    [Fact]
    public void An_unknown_criterion_type_is_an_error()
    {
        const string json = """{ "id": "r", "version": 1, "rules": [ { "name": "icp", "criteria": [ { "type": "zodiac_sign" } ] } ] }""";

        Assert.Throws<PolicyDocumentException>(() => PolicyDocuments.ParseRuleset(json, "rulesets/r.json"));
    }

    [Fact]
    public void Every_problem_of_a_plan_is_listed()
    {
        const string json = """
            { "id": "p", "version": 0, "currency": "DOLLARS", "ruleset": "r",
              "components": [ { "type": "pipeline_percent", "id": "pipeline", "percent": 150, "min_stage": "Signed" } ] }
            """;

        var error = Assert.Throws<PolicyDocumentException>(() => PolicyDocuments.ParsePlan(json, "plans/p.json", Samples.Context));

        Assert.Contains("version must be 1 or more", error.Problems);
        Assert.Contains(error.Problems, p => p.Contains("DOLLARS", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("percent must be between 0 and 100", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("min_stage 'Signed'", StringComparison.Ordinal));
    }
}
