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
    public const string Roster = "roster";
    public const string Fx = "fx";

    /// <summary>The folder of <c>comp-config</c> each kind is dropped in.</summary>
    public static IReadOnlyDictionary<string, string> Folders { get; } = new Dictionary<string, string>
    {
        ["rulesets/"] = Ruleset,
        ["plans/"] = Plan,
        ["rosters/"] = Roster,
        ["fx/"] = Fx,
    };

    /// <summary>The kind a <c>comp-config</c> blob name holds (<c>rulesets/…</c>, <c>plans/…</c>, <c>rosters/…</c>, <c>fx/…</c>), or null.</summary>
    public static string? FromBlobName(string name) =>
        Folders.FirstOrDefault(f => name.StartsWith(f.Key, StringComparison.Ordinal)).Value;
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

    public Task<IReadOnlyList<AcceptedDocument<Roster>>> RosterVersionsAsync(string id, CancellationToken cancellationToken) =>
        VersionsAsync(PolicyKinds.Roster, id, PolicyDocuments.ParseRoster, cancellationToken);

    public Task<IReadOnlyList<AcceptedDocument<FxTable>>> FxVersionsAsync(string id, CancellationToken cancellationToken) =>
        VersionsAsync(PolicyKinds.Fx, id, PolicyDocuments.ParseFxTable, cancellationToken);

    /// <summary>
    /// Every version of the documents an evaluation needs: the roster (when one was accepted), the
    /// plans it assigns (else the default plan), the rulesets they name, and the latest FX table.
    /// With neither a roster nor the default plan accepted, nothing can be priced: a configuration error.
    /// </summary>
    public async Task<PolicySet> LoadAsync(CompensationOptions options, CancellationToken cancellationToken)
    {
        // Accepted versions never change, so the keys of the table say everything about its content:
        // the same keys as last time, the same policy set (one small query instead of one per document,
        // and no JSON parsed again on every evaluation).
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var e in _table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(e.PartitionKey + "/" + e.RowKey);
        }

        if (_loaded is { } loaded && ReferenceEquals(loaded.Options, options) && loaded.Keys.SetEquals(keys))
        {
            return loaded.Set;
        }

        var set = await LoadUncachedAsync(options, cancellationToken).ConfigureAwait(false);
        _loaded = new LoadedSet(options, keys, set);
        return set;
    }

    private sealed record LoadedSet(CompensationOptions Options, HashSet<string> Keys, PolicySet Set);

    private volatile LoadedSet? _loaded;

    private async Task<PolicySet> LoadUncachedAsync(CompensationOptions options, CancellationToken cancellationToken)
    {
        var rosters = (await RosterVersionsAsync(options.RosterId, cancellationToken).ConfigureAwait(false)).Select(v => v.Document).ToArray();
        var planIds = rosters.Length > 0
            ? rosters.SelectMany(r => r.Assignments).Select(a => a.Plan).Distinct(StringComparer.Ordinal).ToArray()
            : [options.PlanId];
        var plans = new Dictionary<string, PolicyVersions<CompPlan>>(StringComparer.Ordinal);
        foreach (var planId in planIds)
        {
            plans[planId] = new PolicyVersions<CompPlan>((await PlanVersionsAsync(planId, cancellationToken).ConfigureAwait(false)).Select(v => v.Document));
        }

        if (rosters.Length == 0 && plans[options.PlanId].All.Count == 0)
        {
            throw new PolicyDocumentException($"plan {options.PlanId}", [$"no version has been accepted; drop plans/{options.PlanId}.json into the {Bindings.ConfigContainer} container"]);
        }

        var rulesets = await RulesetsOfAsync(plans.Values.SelectMany(v => v.All), cancellationToken).ConfigureAwait(false);
        var fx = await LatestFxAsync(options.FxTableId, cancellationToken).ConfigureAwait(false);
        return new PolicySet(options.PlanId, plans, rulesets, new PolicyVersions<Roster>(rosters), fx);
    }

    /// <summary>One plan's versions and their rulesets, everyone on it (what a comparison prices), or null when no version was accepted.</summary>
    public async Task<PolicySet?> LoadPlanAsync(string planId, string fxTableId, CancellationToken cancellationToken)
    {
        var versions = (await PlanVersionsAsync(planId, cancellationToken).ConfigureAwait(false)).Select(v => v.Document).ToArray();
        return versions.Length == 0
            ? null
            : PolicySet.ForPlan(
                new PolicyVersions<CompPlan>(versions),
                await RulesetsOfAsync(versions, cancellationToken).ConfigureAwait(false),
                await LatestFxAsync(fxTableId, cancellationToken).ConfigureAwait(false));
    }

    private async Task<Dictionary<string, PolicyVersions<Ruleset>>> RulesetsOfAsync(IEnumerable<CompPlan> plans, CancellationToken cancellationToken)
    {
        var rulesets = new Dictionary<string, PolicyVersions<Ruleset>>(StringComparer.Ordinal);
        foreach (var rulesetId in plans.Select(p => p.Ruleset).Distinct(StringComparer.Ordinal))
        {
            rulesets[rulesetId] = new PolicyVersions<Ruleset>((await RulesetVersionsAsync(rulesetId, cancellationToken).ConfigureAwait(false)).Select(v => v.Document));
        }

        return rulesets;
    }

    private async Task<FxTable?> LatestFxAsync(string id, CancellationToken cancellationToken) =>
        (await FxVersionsAsync(id, cancellationToken).ConfigureAwait(false)).Select(v => v.Document).MaxBy(f => (f.EffectiveFrom, f.Version));

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
