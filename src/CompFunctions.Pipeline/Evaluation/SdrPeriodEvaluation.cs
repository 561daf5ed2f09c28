using System.Text.Json;
using Azure.Data.Tables;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Pipeline.Http;
using CompFunctions.Pipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CompFunctions.Pipeline.Evaluation;

/// <summary>
/// Evaluates every meeting of one (SDR, period) with the plan and ruleset versions in force on
/// each meeting's day, and makes the period's payout lines and verdicts exactly what the
/// evaluation says: every row upserted under a deterministic key (so a duplicate or retried
/// message rewrites the same rows and never pays twice), rows that no longer apply removed.
/// </summary>
public sealed class SdrPeriodEvaluation(
    TableServiceClient tables,
    PolicyStore policies,
    PeriodStore periods,
    StatementSummaries summaries,
    EvaluationContext context,
    IOptions<CompensationOptions> options,
    ILogger<SdrPeriodEvaluation> logger)
{
    private readonly TableClient _meetings = tables.GetTableClient(Tables.Meetings);
    private readonly TableClient _lines = tables.GetTableClient(Tables.PayoutLines);
    private readonly TableClient _verdicts = tables.GetTableClient(Tables.Verdicts);
    private readonly TableClient _evaluations = tables.GetTableClient(Tables.Evaluations);

    /// <summary>Handles one queue message. A malformed message is logged and dropped (retrying cannot fix it).</summary>
    public async Task HandleAsync(string message, CancellationToken cancellationToken)
    {
        if (!EvaluationRequest.TryParse(message, out var request, out var period, out var problem))
        {
            logger.BadEvaluationMessage(problem!);
            return;
        }

        await EvaluateAsync(request!.SdrId, period, request.RunId, cancellationToken).ConfigureAwait(false);
    }

    /// <param name="requestedBy">The run (or replay, or policy document) that asked for it, recorded in the audit trail.</param>
    public async Task EvaluateAsync(string sdrId, CompPeriod period, string? requestedBy, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SdrId"] = sdrId, ["Period"] = period.ToString() });
        var policySet = await policies.LoadAsync(options.Value, cancellationToken).ConfigureAwait(false);
        var partition = Tables.SdrPeriodKey(period, sdrId);
        var meetings = await MeetingsAsync(partition, cancellationToken).ConfigureAwait(false);
        var previous = await MeetingsAsync(Tables.SdrPeriodKey(period.Previous(), sdrId), cancellationToken).ConfigureAwait(false);

        var evaluation = new PeriodEvaluator(policySet, context).Evaluate(sdrId, period, meetings, previous);
        var lines = evaluation.Lines.Select(line => LineEntities.ToEntity(line, partition)).ToArray();
        var verdicts = evaluation.Meetings.Where(e => e.Verdict is not null).Select(e => VerdictEntity(partition, e)).ToArray();

        var locked = await periods.LockedAsync(cancellationToken).ConfigureAwait(false);
        if (locked.Contains(period))
        {
            // Paid history never changes: the difference goes into the first open period as adjustments.
            var byId = meetings.ToDictionary(m => m.MeetingId, StringComparer.Ordinal);
            var plans = policySet.Plans.Values.SelectMany(v => v.All).ToDictionary(p => p.Ref);
            var open = Tables.SdrPeriodKey(PeriodStore.FirstOpenAfter(period, locked), sdrId);
            var openSummary = await summaries.ReadAsync(open, cancellationToken).ConfigureAwait(false);
            var begun = await summaries.BeginAsync(open, openSummary, cancellationToken).ConfigureAwait(false);
            var (booked, adjusted) = await Adjustments.BookAsync(
                _lines, sdrId, period, evaluation.Lines.ToArray(), locked,
                line => (plans.GetValueOrDefault(line.Plan)?.Clawback, byId.GetValueOrDefault(line.MeetingId)),
                context.LocalDateText,
                cancellationToken).ConfigureAwait(false);

            // The open month's own rows did not change: its digests stand.
            await summaries.CompleteAsync(open, begun, adjusted.Rows, openSummary.Summary?.LinesDigest, openSummary.Summary?.VerdictsDigest, cancellationToken).ConfigureAwait(false);
            logger.AdjustmentsBooked(sdrId, period.ToString(), booked, Tables.SplitSdrPeriodKey(open).Period);
            await RecordAsync(requestedBy, partition, evaluation, locked: true, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Stored already? The summary row holds the digests of what the last clean evaluation wrote.
        var linesDigest = StatementSummaries.Digest(lines);
        var verdictsDigest = StatementSummaries.Digest(verdicts);
        var stored = await summaries.ReadAsync(partition, cancellationToken).ConfigureAwait(false);
        SyncResult synced;
        if (stored.Summary is { Dirty: false } clean && clean.LinesDigest == linesDigest && clean.VerdictsDigest == verdictsDigest)
        {
            synced = new SyncResult(0, lines.Length, 0, []);
        }
        else if (stored.Summary is null && await summaries.CoverEveryStatementAsync(cancellationToken).ConfigureAwait(false))
        {
            // Nobody has written this statement: nothing to read, compare or remove.
            var begun = await summaries.BeginAsync(partition, stored, cancellationToken).ConfigureAwait(false);
            await TableBatches.SubmitAsync(_lines, lines.Select(l => new TableTransactionAction(TableTransactionActionType.UpsertReplace, l)), cancellationToken).ConfigureAwait(false);
            await TableBatches.SubmitAsync(_verdicts, verdicts.Select(v => new TableTransactionAction(TableTransactionActionType.UpsertReplace, v)), cancellationToken).ConfigureAwait(false);
            await summaries.CompleteAsync(partition, begun, lines, linesDigest, verdictsDigest, cancellationToken).ConfigureAwait(false);
            synced = new SyncResult(lines.Length, 0, 0, lines);
        }
        else
        {
            var begun = await summaries.BeginAsync(partition, stored, cancellationToken).ConfigureAwait(false);

            // The period's own lines; adjustments booked here for locked periods are theirs to manage.
            synced = await PartitionSync.ReplaceAsync(_lines, partition, lines, cancellationToken, owns: rowKey => !Adjustments.IsAdjustment(rowKey)).ConfigureAwait(false);
            await PartitionSync.ReplaceAsync(_verdicts, partition, verdicts, cancellationToken).ConfigureAwait(false);
            await summaries.CompleteAsync(partition, begun, synced.Rows, linesDigest, verdictsDigest, cancellationToken).ConfigureAwait(false);
        }

        // Recorded last: an evaluation row for a run means its lines are in place (what waiting for a run's evaluations relies on).
        await RecordAsync(requestedBy, partition, evaluation, locked: false, cancellationToken).ConfigureAwait(false);
        logger.Evaluated(sdrId, period.ToString(), meetings.Count, synced.Written, synced.Unchanged, synced.Removed);
    }

    /// <summary>The <c>evaluations</c> partition an evaluation requested by <paramref name="requestedBy"/> is recorded in.</summary>
    public static string AuditPartition(string? requestedBy) => string.IsNullOrEmpty(requestedBy) ? "unknown" : Sanitize(requestedBy);

    /// <summary>The audit trail: which policy versions an evaluation used and what it came to.</summary>
    private Task RecordAsync(string? requestedBy, string partition, PeriodEvaluation evaluation, bool locked, CancellationToken cancellationToken)
    {
        var lines = evaluation.Lines.ToArray();
        return _evaluations.UpsertEntityAsync(new TableEntity(AuditPartition(requestedBy), partition)
        {
            ["Plans"] = string.Join(" ", lines.Select(l => l.Plan.ToString()).Distinct().Order(StringComparer.Ordinal)),
            ["Rulesets"] = string.Join(" ", lines.Select(l => l.Ruleset.ToString()).Distinct().Order(StringComparer.Ordinal)),
            ["Meetings"] = evaluation.Meetings.Count,
            ["Lines"] = lines.Length,
            ["Total"] = lines.Sum(l => l.Amount.Amount).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PeriodLocked"] = locked,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Table keys may not hold / \ # ? or control characters.</summary>
    private static string Sanitize(string key) =>
        new(key.Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c).Take(200).ToArray());

    private static TableEntity VerdictEntity(string partition, MeetingEvaluation evaluation)
    {
        var verdict = evaluation.Verdict!;
        return new TableEntity(partition, evaluation.Meeting.MeetingId)
        {
            ["Qualified"] = verdict.Qualified,
            ["By"] = verdict.By,
            ["DisqualifiedBy"] = verdict.DisqualifiedBy?.Disqualifier,
            ["RulesetId"] = verdict.Ruleset.Id,
            ["RulesetVersion"] = verdict.Ruleset.Version,
            ["Json"] = JsonSerializer.Serialize(VerdictDocument.From(verdict), StatementDocument.Json),
        };
    }

    private async Task<List<Meeting>> MeetingsAsync(string partition, CancellationToken cancellationToken) =>
        [.. await MeetingPacks.ReadAsync(_meetings, partition, cancellationToken).ConfigureAwait(false)];
}
