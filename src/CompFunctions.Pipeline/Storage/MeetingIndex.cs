namespace CompFunctions.Pipeline.Storage;

/// <summary>Where a meeting's row lives now, the furthest stage ever seen for its opportunity, and the CRM change time and export of the version applied.</summary>
public sealed record MeetingIndexEntry(string MeetingId, string Partition, string? FurthestStage, DateTimeOffset? LastModifiedAt = null, string? Export = null, string? ContentHash = null);

/// <summary>Key layout of the meeting index: 64 buckets by a stable hash (FNV-1a) of the meeting id.</summary>
public static class MeetingIndex
{
    public const int Buckets = 64;

    public static string BucketOf(string meetingId)
    {
        var hash = 2166136261u;
        foreach (var c in meetingId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return "b" + (hash % Buckets).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
    }
}
