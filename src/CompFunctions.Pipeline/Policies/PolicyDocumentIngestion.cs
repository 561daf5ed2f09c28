using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Policies;
using CompFunctions.Pipeline.Evaluation;
using CompFunctions.Pipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CompFunctions.Pipeline.Policies;

public static class PolicyDocumentStatus
{
    public const string Accepted = "accepted";
    public const string AlreadyAccepted = "already_accepted";
    public const string Rejected = "rejected";
}

/// <summary>What became of one policy document dropped into <c>comp-config</c>.</summary>
public sealed record PolicyDocumentReport
{
    public required string RunId { get; init; }
    public required string Document { get; init; }
    public required string Status { get; init; }
    public string? Kind { get; init; }
    public string? Id { get; init; }
    public int? Version { get; init; }
    public string? EffectiveFrom { get; init; }
    public IReadOnlyList<string> Problems { get; init; } = [];
    public IReadOnlyList<string> SdrPeriodsQueued { get; init; } = [];
    public DateTimeOffset CheckedAt { get; init; }

    public static string BlobName(string document, string runId) => $"{document}.{runId}.json";
}

/// <summary>
/// Validates a ruleset or plan dropped into <c>comp-config</c> and, only when it is usable and
/// does not conflict with an accepted version, accepts it; then queues re-evaluation of every
/// (SDR, period) from the month it takes effect on, when the configured plan uses it. A rejected
/// document changes nothing; its report says what is wrong, field by field.
/// </summary>
public sealed class PolicyDocumentIngestion(
    PolicyStore policies,
    EvaluationRequeue requeue,
    BlobServiceClient blobs,
    EvaluationContext context,
    IOptions<CompensationOptions> options,
    TimeProvider clock,
    ILogger<PolicyDocumentIngestion> logger)
{
    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly BlobContainerClient _reports = blobs.GetBlobContainerClient(Bindings.ConfigReportsContainer);

    public async Task<PolicyDocumentReport> IngestAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        var content = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
        var report = await DecideAsync(blob.Name, RunIds.Of(blob.Name, content.Details.ETag), content.Content.ToString(), cancellationToken).ConfigureAwait(false);
        var reportName = PolicyDocumentReport.BlobName(blob.Name, report.RunId);
        await _reports.GetBlobClient(reportName).UploadAsync(new BinaryData(JsonSerializer.SerializeToUtf8Bytes(report, ReportJson)), overwrite: true, cancellationToken).ConfigureAwait(false);
        if (report.Status == PolicyDocumentStatus.Rejected)
        {
            logger.PolicyDocumentRejected(blob.Name, string.Join("; ", report.Problems), $"{Bindings.ConfigReportsContainer}/{reportName}");
        }
        else
        {
            logger.PolicyDocumentAccepted(blob.Name, report.Kind!, report.Id!, report.Version ?? 0, report.Status, report.SdrPeriodsQueued.Count);
        }

        return report;
    }

    private async Task<PolicyDocumentReport> DecideAsync(string name, string runId, string json, CancellationToken cancellationToken)
    {
        var report = new PolicyDocumentReport { RunId = runId, Document = name, Status = PolicyDocumentStatus.Rejected, CheckedAt = clock.GetUtcNow() };
        var kind = PolicyKinds.FromBlobName(name);
        if (kind is null)
        {
            return report with { Problems = [$"'{name}' is in no known folder: put rulesets under rulesets/, plans under plans/, rosters under rosters/ and exchange rates under fx/"] };
        }

        report = report with { Kind = kind };
        IPolicyDocument document;
        (AcceptanceDecision Decision, IReadOnlyList<string> Problems) decision;
        try
        {
            (document, decision) = kind switch
            {
                PolicyKinds.Ruleset => await DecideAsync(PolicyDocuments.ParseRuleset(json, name, context), policies.RulesetVersionsAsync, cancellationToken).ConfigureAwait(false),
                PolicyKinds.Plan => await DecideAsync(PolicyDocuments.ParsePlan(json, name, context), policies.PlanVersionsAsync, cancellationToken).ConfigureAwait(false),
                PolicyKinds.Roster => await DecideAsync(PolicyDocuments.ParseRoster(json, name), policies.RosterVersionsAsync, cancellationToken).ConfigureAwait(false),
                _ => await DecideAsync(PolicyDocuments.ParseFxTable(json, name), policies.FxVersionsAsync, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (PolicyDocumentException ex)
        {
            return report with { Problems = ex.Problems };
        }

        report = report with
        {
            Id = document.Id,
            Version = document.Version,
            EffectiveFrom = document.EffectiveFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        };
        switch (decision.Decision)
        {
            case AcceptanceDecision.Reject:
                return report with { Problems = decision.Problems };
            case AcceptanceDecision.AlreadyAccepted:
                return report with { Status = PolicyDocumentStatus.AlreadyAccepted };
        }

        await policies.SaveAsync(kind, document, json, name, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var queued = await UsedByConfiguredPlanAsync(kind, document.Id, cancellationToken).ConfigureAwait(false)
            ? await requeue.RequeueAsync(new CompPeriod(document.EffectiveFrom.Year, document.EffectiveFrom.Month) + "|", null, runId, cancellationToken).ConfigureAwait(false)
            : [];
        return report with { Status = PolicyDocumentStatus.Accepted, SdrPeriodsQueued = queued };
    }

    private static async Task<(IPolicyDocument, (AcceptanceDecision, IReadOnlyList<string>))> DecideAsync<T>(
        T document, Func<string, CancellationToken, Task<IReadOnlyList<AcceptedDocument<T>>>> versions, CancellationToken cancellationToken)
        where T : IPolicyDocument =>
        (document, PolicyAcceptance.Decide(document, (await versions(document.Id, cancellationToken).ConfigureAwait(false)).Select(v => v.Document)));

    /// <summary>Whether the document takes part in pricing now: the configured roster or FX table, a plan SDRs are on, or a ruleset such a plan names.</summary>
    private async Task<bool> UsedByConfiguredPlanAsync(string kind, string id, CancellationToken cancellationToken)
    {
        var current = options.Value;
        if (kind == PolicyKinds.Roster)
        {
            return id == current.RosterId;
        }

        if (kind == PolicyKinds.Fx)
        {
            return id == current.FxTableId;
        }

        PolicySet set;
        try
        {
            set = await policies.LoadAsync(current, cancellationToken).ConfigureAwait(false);
        }
        catch (PolicyDocumentException)
        {
            return false; // nothing can be priced yet (e.g. a ruleset dropped before its plan): nothing to re-evaluate
        }

        return kind == PolicyKinds.Plan
            ? set.Plans.ContainsKey(id)
            : set.Plans.Values.SelectMany(v => v.All).Any(p => p.Ruleset == id);
    }
}
