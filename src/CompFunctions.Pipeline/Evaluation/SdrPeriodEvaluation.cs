using System.Text.Json;
using Azure.Data.Tables;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Policies;
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
    PeriodStore locks,
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
        if (!EvaluationRequest.TryParse(message, out var request, out var periods, out var problem))
        {
            logger.BadEvaluationMessage(problem!);
            return;
        }

        await EvaluateAsync(request!.SdrId, periods, request.RunId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Evaluates <paramref name="periods"/> of one SDR in order. A period's meetings, read for its
    /// own evaluation, serve as "the month before" of the next one, so each month is read once.
    /// The audit rows are written together at the end (one transaction: they share the
    /// requester's partition) — after every statement is in place, which is what an audit row
    /// promises. A failure anywhere retries the whole message; periods already written then find
    /// their statement equal and write nothing.
    /// </summary>
    /// <param name="requestedBy">The run (or replay, or policy document) that asked for it, recorded in the audit trail.</param>
    public async Task EvaluateAsync(string sdrId, IReadOnlyList<CompPeriod> periods, string? requestedBy, CancellationToken cancellationToken)
    {
        var policySet = await policies.LoadAsync(options.Value, cancellationToken).ConfigureAwait(false);
        var evaluator = new PeriodEvaluator(policySet, context);

        // The locked periods, once per message; a period locked since is seen on its statement row (StatementStore.MarkLockedAsync).
        var locked = await locks.LockedAsync(cancellationToken).ConfigureAwait(false);
        var audit = new List<TableTransactionAction>(periods.Count);
        (CompPeriod Period, List<Meeting> Meetings)? last = null;
        foreach (var period in periods.Order())
        {
            using var scope = logger.BeginScope(new Dictionary<string, object> { ["SdrId"] = sdrId, ["Period"] = period.ToString() });
            var previous = last is { } before && before.Period == period.Previous()
                ? before.Meetings
                : await MeetingsAsync(Tables.SdrPeriodKey(period.Previous(), sdrId), cancellationToken).ConfigureAwait(false);
            var meetings = await MeetingsAsync(Tables.SdrPeriodKey(period, sdrId), cancellationToken).ConfigureAwait(false);
            audit.Add(new TableTransactionAction(
                TableTransactionActionType.UpsertReplace,
                await EvaluateAsync(policySet, evaluator, sdrId, period, meetings, previous, locked, requestedBy, cancellationToken).ConfigureAwait(false)));
            last = (period, meetings);
        }

        await TableBatches.SubmitAsync(_evaluations, audit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Evaluates one period and writes its statement (or books its changes as adjustments when it
    /// is locked); returns its audit row, not yet written. The period is locked when the message's
    /// lock list says so, when its statement row is marked locked (a lock since the list was read),
    /// or — with no statement row to carry the mark — when its lock row exists now.
    /// </summary>
    private async Task<TableEntity> EvaluateAsync(
        PolicySet policySet, PeriodEvaluator evaluator, string sdrId, CompPeriod period, List<Meeting> meetings, List<Meeting> previous,
        IReadOnlySet<CompPeriod> locked, string? requestedBy, CancellationToken cancellationToken)
    {
        var partition = Tables.SdrPeriodKey(period, sdrId);
        var evaluation = evaluator.Evaluate(sdrId, period, meetings, previous);

        var stored = locked.Contains(period) ? null : await statements.ReadHeadAsync(partition, cancellationToken).ConfigureAwait(false);
        if (!locked.Contains(period) && (stored?.Locked == true || (stored is null && await locks.IsLockedAsync(period, cancellationToken).ConfigureAwait(false))))
        {
            locked = await locks.LockedAsync(cancellationToken).ConfigureAwait(false);
        }

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
            return AuditRow(requestedBy, partition, evaluation, locked: true);
        }

        // Stored already? Equal digests, same statement: nothing is written. Adjustments booked here from locked months are kept as they are.
        var encoded = StatementStore.Encode(partition, evaluation, stored);
        var changed = await statements.WriteIfChangedAsync(encoded, stored, cancellationToken).ConfigureAwait(false);

        logger.Evaluated(sdrId, period.ToString(), meetings.Count, encoded.Row.GetInt32("Lines") ?? 0, changed, changed ? encoded.SegmentsWritten : 0);

        // Written once every period of the message is: an evaluation row for a run means its statement is in place (what waiting for a run's evaluations relies on).
        return AuditRow(requestedBy, partition, evaluation, locked: false);
    }

    /// <summary>The <c>evaluations</c> partition an evaluation requested by <paramref name="requestedBy"/> is recorded in.</summary>
    public static string AuditPartition(string? requestedBy) => string.IsNullOrEmpty(requestedBy) ? "unknown" : Sanitize(requestedBy);

    /// <summary>The audit trail: which policy versions an evaluation used and what it came to.</summary>
    private static TableEntity AuditRow(string? requestedBy, string partition, PeriodEvaluation evaluation, bool locked)
    {
        // One pass over the lines; each version named once (not once per line: a month has ~1,700 lines and a few versions).
        var plans = new HashSet<DocumentRef>();
        var rulesets = new HashSet<DocumentRef>();
        var count = 0;
        var total = 0m;
        DocumentRef? plan = null;
        DocumentRef? ruleset = null;
        foreach (var line in evaluation.Lines)
        {
            // Lines priced together share their version objects: each is hashed once, not once per line.
            if (!ReferenceEquals(line.Plan, plan))
            {
                plans.Add(plan = line.Plan);
            }

            if (!ReferenceEquals(line.Ruleset, ruleset))
            {
                rulesets.Add(ruleset = line.Ruleset);
            }

            count++;
            total += line.Amount.Amount;
        }

        static string Versions(HashSet<DocumentRef> refs) => string.Join(" ", refs.Select(r => r.ToString()).Order(StringComparer.Ordinal));
        return new TableEntity(AuditPartition(requestedBy), partition)
        {
            ["Plans"] = Versions(plans),
            ["Rulesets"] = Versions(rulesets),
            ["Meetings"] = evaluation.Meetings.Count,
            ["Lines"] = count,
            ["Total"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PeriodLocked"] = locked,
        };
    }

    /// <summary>Table keys may not hold / \ # ? or control characters.</summary>
    private static string Sanitize(string key) =>
        new(key.Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c).Take(200).ToArray());

    /// <summary>The partition's meetings; change sets nights left on its row are folded in once there are several (see <see cref="MeetingPacks"/>).</summary>
    private async Task<List<Meeting>> MeetingsAsync(string partition, CancellationToken cancellationToken) =>
        [.. await MeetingPacks.ReadAndFoldAsync(_meetings, partition, cancellationToken).ConfigureAwait(false)];
}
