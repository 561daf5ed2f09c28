using Azure.Data.Tables;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Plans;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;

namespace CompFunctions.Pipeline.Storage;

/// <summary>The two kinds of policy document, and the folder of <c>comp-config</c> each is dropped in.</summary>
public static class PolicyKinds
{
    public const string Ruleset = "ruleset";
    public const string Plan = "plan";

    /// <summary>The kind a <c>comp-config</c> blob name holds (<c>rulesets/…</c> or <c>plans/…</c>), or null.</summary>
    public static string? FromBlobName(string name) =>
        name.StartsWith("rulesets/", StringComparison.Ordinal) ? Ruleset
        : name.StartsWith("plans/", StringComparison.Ordinal) ? Plan
        : null;
}

/// <summary>One accepted version of a policy document: the document and its JSON as submitted.</summary>
public sealed record AcceptedDocument<T>(T Document, string Json, string Source, DateTimeOffset AcceptedAt);

/// <summary>
/// Accepted policy documents (the <c>policies</c> table): every version of every ruleset and plan
/// that passed validation, by kind and id. Nothing here is ever overwritten: a version, once
/// accepted, is immutable, so what was in force for any past day stays readable.
/// </summary>
public sealed class PolicyStore(TableServiceClient tables, EvaluationContext context)
{
    private readonly TableClient _table = tables.GetTableClient(Tables.Policies);

    public static string PartitionOf(string kind, string id) => $"{kind}|{id}";

    public static string RowOf(int version) => version.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    public Task<IReadOnlyList<AcceptedDocument<Ruleset>>> RulesetVersionsAsync(string id, CancellationToken cancellationToken) =>
        VersionsAsync(PolicyKinds.Ruleset, id, (json, doc) => PolicyDocuments.ParseRuleset(json, doc, context), cancellationToken);

    public Task<IReadOnlyList<AcceptedDocument<CompPlan>>> PlanVersionsAsync(string id, CancellationToken cancellationToken) =>
        VersionsAsync(PolicyKinds.Plan, id, (json, doc) => PolicyDocuments.ParsePlan(json, doc, context), cancellationToken);

    /// <summary>Every version of a plan and of the rulesets its versions name. A plan with no accepted version is a configuration error.</summary>
    public async Task<PolicySet> LoadAsync(string planId, CancellationToken cancellationToken)
    {
        var plans = await PlanVersionsAsync(planId, cancellationToken).ConfigureAwait(false);
        if (plans.Count == 0)
        {
            throw new PolicyDocumentException($"plan {planId}", [$"no version has been accepted; drop plans/{planId}.json into the {Bindings.ConfigContainer} container"]);
        }

        var rulesets = new Dictionary<string, PolicyVersions<Ruleset>>(StringComparer.Ordinal);
        foreach (var rulesetId in plans.Select(p => p.Document.Ruleset).Distinct(StringComparer.Ordinal))
        {
            var versions = await RulesetVersionsAsync(rulesetId, cancellationToken).ConfigureAwait(false);
            rulesets[rulesetId] = new PolicyVersions<Ruleset>(versions.Select(v => v.Document));
        }

        return new PolicySet(planId, new PolicyVersions<CompPlan>(plans.Select(p => p.Document)), rulesets);
    }

    public Task SaveAsync(string kind, IPolicyDocument document, string json, string source, DateTimeOffset acceptedAt, CancellationToken cancellationToken) =>
        _table.AddEntityAsync(new TableEntity(PartitionOf(kind, document.Id), RowOf(document.Version))
        {
            ["Json"] = json,
            ["EffectiveFrom"] = document.EffectiveFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["Source"] = source,
            ["AcceptedAt"] = acceptedAt,
        }, cancellationToken);

    private async Task<IReadOnlyList<AcceptedDocument<T>>> VersionsAsync<T>(string kind, string id, Func<string, string, T> parse, CancellationToken cancellationToken)
    {
        var versions = new List<AcceptedDocument<T>>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionOf(kind, id)}");
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var json = e.GetString("Json");
            versions.Add(new AcceptedDocument<T>(parse(json, $"{kind} {id} v{int.Parse(e.RowKey, System.Globalization.CultureInfo.InvariantCulture)}"), json, e.GetString("Source"), e.GetDateTimeOffset("AcceptedAt") ?? default));
        }

        return versions;
    }
}
