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
/// each meeting's day, and makes the period's statement row hold exactly what the evaluation says:
/// lines under deterministic ids (so a duplicate or retried message rewrites the same statement and
/// never pays twice), written only when they differ from what is stored, under the row's ETag.
/// </summary>
public sealed class SdrPeriodEvaluation(
    TableServiceClient tables,
    PolicyStore policies,
    PeriodStore periods,
    StatementStore statements,
    EvaluationContext context,
    IOptions<CompensationOptions> options,
    ILogger<SdrPeriodEvaluation> logger)
{
    private readonly TableClient _meetings = tables.GetTableClient(Tables.Meetings);
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
        var lines = evaluation.Lines.Select(StoredLine.From).OrderBy(l => l.Line.LineId, StringComparer.Ordinal).ToArray();
        var verdicts = evaluation.Meetings
            .Where(e => e.Verdict is not null)
            .Select(e => new StoredVerdict(e.Meeting.MeetingId, VerdictDocument.From(e.Verdict!)))
            .OrderBy(v => v.MeetingId, StringComparer.Ordinal)
            .ToArray();

        var locked = await periods.LockedAsync(cancellationToken).ConfigureAwait(false);
        if (locked.Contains(period))
        {
            // Paid history never changes: the difference goes into the first open period as adjustments.
            var byId = meetings.ToDictionary(m => m.MeetingId, StringComparer.Ordinal);
            var plans = policySet.Plans.Values.SelectMany(v => v.All).ToDictionary(p => p.Ref);
            var (open, booked) = await Adjustments.BookAsync(
                statements, sdrId, period, evaluation.Lines.ToArray(), locked,
                line => (plans.GetValueOrDefault(line.Plan)?.Clawback, byId.GetValueOrDefault(line.MeetingId)),
                context.LocalDateText,
                cancellationToken).ConfigureAwait(false);
            logger.AdjustmentsBooked(sdrId, period.ToString(), booked, open.ToString());
            await RecordAsync(requestedBy, partition, evaluation, locked: true, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Stored already? Equal digests, same statement: nothing is written. Adjustments booked here from locked months are kept as they are.
        var stored = await statements.ReadHeadAsync(partition, cancellationToken).ConfigureAwait(false);
        var changed = await statements.WriteIfChangedAsync(partition, new StatementBody(lines, stored?.Adjustments ?? [], verdicts), stored, cancellationToken).ConfigureAwait(false);

        // Recorded last: an evaluation row for a run means its statement is in place (what waiting for a run's evaluations relies on).
        await RecordAsync(requestedBy, partition, evaluation, locked: false, cancellationToken).ConfigureAwait(false);
        logger.Evaluated(sdrId, period.ToString(), meetings.Count, lines.Length, changed);
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

    private async Task<List<Meeting>> MeetingsAsync(string partition, CancellationToken cancellationToken) =>
        [.. await MeetingPacks.ReadAsync(_meetings, partition, cancellationToken).ConfigureAwait(false)];
}
