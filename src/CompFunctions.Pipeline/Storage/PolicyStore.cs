using Azure;
using Azure.Storage.Blobs;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Plans;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Reads policy documents from the <c>policies</c> container: <c>plans/{id}.json</c> and
/// <c>rulesets/{id}.json</c>. A missing or invalid document is a <see cref="PolicyDocumentException"/>
/// naming the document and every problem in it.
/// </summary>
public sealed class PolicyStore(BlobServiceClient blobs)
{
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(Bindings.PoliciesContainer);

    public static string PlanBlob(string id) => $"plans/{id}.json";

    public static string RulesetBlob(string id) => $"rulesets/{id}.json";

    public async Task<(CompPlan Plan, Ruleset Ruleset)> LoadAsync(string planId, EvaluationContext context, CancellationToken cancellationToken)
    {
        var planName = PlanBlob(planId);
        var plan = PolicyDocuments.ParsePlan(await ReadAsync(planName, cancellationToken).ConfigureAwait(false), $"{Bindings.PoliciesContainer}/{planName}", context);
        var rulesetName = RulesetBlob(plan.Ruleset);
        var ruleset = PolicyDocuments.ParseRuleset(await ReadAsync(rulesetName, cancellationToken).ConfigureAwait(false), $"{Bindings.PoliciesContainer}/{rulesetName}");
        return (plan, ruleset);
    }

    /// <summary>Validates a plan document and, only when it is usable, stores it under its id.</summary>
    public async Task<CompPlan> PublishPlanAsync(string json, EvaluationContext context, CancellationToken cancellationToken)
    {
        var plan = PolicyDocuments.ParsePlan(json, "plan document", context);
        await _container.GetBlobClient(PlanBlob(plan.Id)).UploadAsync(BinaryData.FromString(json), overwrite: true, cancellationToken).ConfigureAwait(false);
        return plan;
    }

    /// <summary>Validates a ruleset document and, only when it is usable, stores it under its id.</summary>
    public async Task<Ruleset> PublishRulesetAsync(string json, CancellationToken cancellationToken)
    {
        var ruleset = PolicyDocuments.ParseRuleset(json, "ruleset document");
        await _container.GetBlobClient(RulesetBlob(ruleset.Id)).UploadAsync(BinaryData.FromString(json), overwrite: true, cancellationToken).ConfigureAwait(false);
        return ruleset;
    }

    private async Task<string> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var content = await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return content.Value.Content.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new PolicyDocumentException($"{Bindings.PoliciesContainer}/{name}", ["the document does not exist; upload it to the policies container"]);
        }
    }
}
