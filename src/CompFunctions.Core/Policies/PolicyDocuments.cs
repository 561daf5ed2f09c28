using System.Text.Json;
using System.Text.Json.Serialization;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Plans;
using CompFunctions.Core.Qualification;

namespace CompFunctions.Core.Policies;

/// <summary>A policy document that cannot be used, with every problem found in it.</summary>
public sealed class PolicyDocumentException(string document, IReadOnlyList<string> problems)
    : Exception($"{document} cannot be used: {string.Join("; ", problems)}.")
{
    public string Document { get; } = document;

    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Reads rulesets and plans from their JSON form (snake_case property names; comments and
/// trailing commas allowed; an unknown property is an error, so a typo never goes unnoticed).
/// </summary>
public static class PolicyDocuments
{
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
    };

    public static Ruleset ParseRuleset(string json, string document, EvaluationContext context)
    {
        var ruleset = Deserialize<Ruleset>(json, document);
        ThrowIfProblems(document, ruleset.Validate(context));
        return ruleset;
    }

    public static CompPlan ParsePlan(string json, string document, EvaluationContext context)
    {
        var plan = Deserialize<CompPlan>(json, document);
        ThrowIfProblems(document, plan.Validate(context));
        return plan;
    }

    public static Roster ParseRoster(string json, string document)
    {
        var roster = Deserialize<Roster>(json, document);
        ThrowIfProblems(document, roster.Validate());
        return roster;
    }

    public static FxTable ParseFxTable(string json, string document)
    {
        var fx = Deserialize<FxTable>(json, document);
        ThrowIfProblems(document, fx.Validate());
        return fx;
    }

    private static T Deserialize<T>(string json, string document)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, JsonOptions)
                ?? throw new PolicyDocumentException(document, ["the document is null"]);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null ? "" : $" at {ex.Path}";
            throw new PolicyDocumentException(document, [$"invalid JSON{where}: {ex.Message}"]);
        }
    }

    private static void ThrowIfProblems(string document, IEnumerable<string> problems)
    {
        var list = problems.ToArray();
        if (list.Length > 0)
        {
            throw new PolicyDocumentException(document, list);
        }
    }
}
