using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CompFunctions.Core.Meetings;
using CompFunctions.Pipeline.Storage;
using Microsoft.AspNetCore.Http;

namespace CompFunctions.Pipeline.Http;

/// <summary>One meeting as the product sees it now: where it counts, the whole verdict, and every line it produced.</summary>
public sealed record MeetingDocument(
    string MeetingId,
    string SdrId,
    string Period,
    string Status,
    string AeDecision,
    DateTimeOffset BookedAt,
    DateTimeOffset ScheduledFor,
    string? OpportunityId,
    string? OpportunityStage,
    string? FurthestStage,
    SourceDocument Source,
    VerdictDocument? Verdict,
    IReadOnlyList<LineDocument> Lines);

/// <summary><c>GET /api/meetings/{meetingId}</c>: the meeting's verdict and every payout line it produced, in whatever period it counts.</summary>
public sealed class MeetingEndpoints(TableServiceClient tables, BlobServiceClient blobs, StatementStore statements)
{
    private readonly IndexStorage _index = IndexStorage.Of(tables, blobs);
    private readonly TableClient _meetings = tables.GetTableClient(Tables.Meetings);

    public async Task<IResult> GetMeetingAsync(string meetingId, CancellationToken cancellationToken)
    {
        if (!Identifier.IsValid(meetingId))
        {
            return Problems.BadRequest("Malformed meeting id", $"Meeting id '{meetingId}' {Identifier.Describe(meetingId)}.");
        }

        var partition = (await MeetingIndex.FindAsync(_index, meetingId, cancellationToken).ConfigureAwait(false))?.Partition;
        var m = partition is null ? null : (await MeetingPacks.ReadAsync(_meetings, partition, cancellationToken).ConfigureAwait(false)).FirstOrDefault(m => m.MeetingId == meetingId);
        if (m is null)
        {
            return Problems.NotFound("Unknown meeting", $"No export has brought a meeting with id '{meetingId}'.");
        }

        var statement = await statements.ReadAsync(partition!, cancellationToken).ConfigureAwait(false);
        var verdict = statement?.Body.Verdicts.FirstOrDefault(v => v.MeetingId == meetingId)?.Verdict;
        var lines = statement?.AllLines().Where(l => l.MeetingId == meetingId).Select(LineDocument.From).ToArray() ?? [];
        var (period, sdrId) = Tables.SplitSdrPeriodKey(partition!);
        var document = new MeetingDocument(
            m.MeetingId, sdrId, period, m.Status.ToContractText(), m.AeDecision.ToContractText(), m.BookedAt, m.ScheduledFor,
            m.OpportunityId, m.OpportunityStage, m.FurthestStage, new SourceDocument(m.SourceRef.Export, m.SourceRef.Line),
            verdict,
            lines);
        return Results.Json(document, StatementDocument.Json);
    }
}
