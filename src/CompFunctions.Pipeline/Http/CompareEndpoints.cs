using System.Text.Json;
using Azure.Data.Tables;
using CompFunctions.Core.Comparison;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;
using CompFunctions.Pipeline.Storage;
using Microsoft.AspNetCore.Http;

namespace CompFunctions.Pipeline.Http;

/// <summary>The body of <c>POST /api/compare</c>: which months, which accepted plans (each with the ruleset it names).</summary>
public sealed record CompareRequest(IReadOnlyList<string>? Periods, IReadOnlyList<string>? Plans);

/// <summary>
/// <c>POST /api/compare</c>: what several plans would have paid for the same meetings, side by side,
/// computed in memory from the meetings in storage. Nothing is written: the ledger and statements
/// are untouched.
/// </summary>
public sealed class CompareEndpoints(TableServiceClient tables, PolicyStore policies, EvaluationContext context, Microsoft.Extensions.Options.IOptions<CompensationOptions> options)
{
    private const int MaxPeriods = 12;
    private const int MaxPlans = 10;
    private readonly TableClient _meetings = tables.GetTableClient(Tables.Meetings);

    public async Task<IResult> CompareAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        CompareRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<CompareRequest>(request.Body, StatementDocument.Json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return Problems.BadRequest("Malformed comparison", $"The body is not JSON of the form {{\"periods\": [\"2026-11\"], \"plans\": [\"sdr-2026\", \"pay-per-sao\"]}}: {ex.Message}");
        }

        var periods = body?.Periods ?? [];
        var plans = body?.Plans ?? [];
        if (periods.Count is 0 or > MaxPeriods || plans.Count is 0 or > MaxPlans)
        {
            return Problems.BadRequest("Malformed comparison", $"Give 1–{MaxPeriods} periods and 1–{MaxPlans} plan ids, e.g. {{\"periods\": [\"2026-11\"], \"plans\": [\"sdr-2026\", \"pay-per-sao\"]}}.");
        }

        var badPeriod = periods.FirstOrDefault(p => !CompPeriod.TryParse(p, out _));
        if (badPeriod is not null)
        {
            return Problems.MalformedPeriod(badPeriod);
        }

        var badPlan = plans.FirstOrDefault(p => !Identifier.IsValid(p));
        if (badPlan is not null)
        {
            return Problems.BadRequest("Malformed plan id", $"Plan id '{badPlan}' {Identifier.Describe(badPlan)}.");
        }

        var sets = new List<(string, PolicySet)>();
        foreach (var planId in plans.Distinct(StringComparer.Ordinal))
        {
            var set = await policies.LoadPlanAsync(planId, options.Value.FxTableId, cancellationToken).ConfigureAwait(false);
            if (set is null)
            {
                return Problems.NotFound("Unknown plan", $"No version of plan '{planId}' has been accepted; drop it into {Bindings.ConfigContainer}/plans/ first.");
            }

            sets.Add((planId, set));
        }

        var groups = new List<SdrPeriodMeetings>();
        foreach (var period in periods.Select(CompPeriod.Parse).Distinct().Order())
        {
            var current = await MeetingsAsync(period, cancellationToken).ConfigureAwait(false);
            var earlier = await MeetingsAsync(period.Previous(), cancellationToken).ConfigureAwait(false);
            groups.AddRange(current.GroupBy(m => m.SdrId, StringComparer.Ordinal).Select(g =>
                new SdrPeriodMeetings(g.Key, period, g.ToArray(), earlier.Where(m => m.SdrId == g.Key).ToArray())));
        }

        return Results.Json(PolicyComparison.Compare(groups, sets, context), StatementDocument.Json);
    }

    /// <summary>Every meeting of a period, all SDRs: partitions "{period}|…" sort between "{period}|" and "{period}}".</summary>
    private async Task<List<Meeting>> MeetingsAsync(CompPeriod period, CancellationToken cancellationToken)
    {
        var meetings = new List<Meeting>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {period + "|"} and PartitionKey lt {period + "}"}");
        await foreach (var e in _meetings.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            meetings.Add(MeetingEntities.FromEntity(e));
        }

        return meetings;
    }
}
