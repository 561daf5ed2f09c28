using System.Text.Json;
using Azure.Data.Tables;
using CompFunctions.Core.Meetings;
using CompFunctions.Pipeline.Ingestion;

namespace CompFunctions.Pipeline.Storage;

/// <summary>One version of a meeting as an export brought it: its content hash and the statement partition it was applied to.</summary>
public sealed record MeetingVersion(string MeetingId, string ContentHash, string AppliedPartition, Meeting Meeting);

/// <summary>A meeting version already serialized (see <see cref="MeetingHistory.Serialize"/>).</summary>
public sealed record SerializedVersion(string MeetingId, byte[] Json);

/// <summary>
/// The <c>meetinghistory</c> table: every distinct version of every meeting, so what was paid from
/// a version the CRM later changed stays readable. Versions are grouped like the meeting index
/// (bucket, then pack) and by the run that brought them: PartitionKey the bucket, RowKey
/// <c>{pack}|{runId}</c>, the versions as gzipped JSON (<see cref="GzipJson"/>). A night writes
/// one row per pack with a new version, not one per meeting, and a retried run rewrites the same rows.
/// </summary>
public static class MeetingHistory
{
    public static TableEntity ToRow(string bucket, string pack, string runId, IEnumerable<MeetingVersion> versions) =>
        ToRow(bucket, pack, runId, versions.Select(Serialize));

    /// <summary>
    /// A version as its JSON, made as soon as ingestion knows it: a bucket's versions wait for
    /// their rows as bytes, not as meeting objects that would live through several collections.
    /// </summary>
    public static SerializedVersion Serialize(MeetingVersion version) =>
        new(version.MeetingId, JsonSerializer.SerializeToUtf8Bytes(version, StoredJson.Default.MeetingVersion));

    /// <summary>The row of one pack's versions from one run: the same JSON array serializing the versions would give.</summary>
    public static TableEntity ToRow(string bucket, string pack, string runId, IEnumerable<SerializedVersion> versions)
    {
        var row = new TableEntity(bucket, $"{pack}|{runId}");
        var ordered = versions.OrderBy(v => v.MeetingId, StringComparer.Ordinal).ToArray();
        GzipJson.Set(row, json =>
        {
            json.WriteByte((byte)'[');
            for (var i = 0; i < ordered.Length; i++)
            {
                if (i > 0)
                {
                    json.WriteByte((byte)',');
                }

                json.Write(ordered[i].Json);
            }

            json.WriteByte((byte)']');
        }, $"The {ordered.Length:N0} meeting versions of pack {bucket}/{pack} from run {runId}");
        return row;
    }

    /// <summary>Every distinct version of one meeting, oldest run first is not implied: order by what you need.</summary>
    public static async Task<IReadOnlyList<MeetingVersion>> VersionsAsync(TableClient history, string meetingId, CancellationToken cancellationToken)
    {
        var bucket = MeetingIndex.BucketOf(meetingId);
        var pack = MeetingIndex.PackOf(meetingId);
        var versions = new Dictionary<string, MeetingVersion>(StringComparer.Ordinal);
        // Rows of the pack are "{pack}|{runId}": every key from "{pack}|" up to "{pack}}" ('}' follows '|').
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {bucket} and RowKey ge {pack + "|"} and RowKey lt {pack + "}"}");
        await foreach (var row in history.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            foreach (var version in VersionsOf(row))
            {
                if (version.MeetingId == meetingId)
                {
                    versions.TryAdd(version.ContentHash, version);
                }
            }
        }

        return versions.Values.ToArray();
    }

    /// <summary>The versions a row holds: gzipped, or as plain JSON in rows written before that.</summary>
    private static MeetingVersion[] VersionsOf(TableEntity row) =>
        GzipJson.Get(row, StoredJson.Default.MeetingVersionArray)
        ?? (PackedJson.Get(row) is { Length: > 0 } json ? JsonSerializer.Deserialize(json, StoredJson.Default.MeetingVersionArray) : null)
        ?? [];
}
