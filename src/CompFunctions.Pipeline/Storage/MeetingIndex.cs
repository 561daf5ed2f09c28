namespace CompFunctions.Pipeline.Storage;

/// <summary>Where a meeting's row lives now, and the furthest stage ever seen for its opportunity.</summary>
public sealed record MeetingIndexEntry(string MeetingId, string Partition, string? FurthestStage);

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
