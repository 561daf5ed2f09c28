namespace CompFunctions.Pipeline.Storage;

/// <summary>Where a meeting's row lives now, the furthest stage ever seen for its opportunity, and the CRM change time and export of the version applied.</summary>
public sealed record MeetingIndexEntry(string MeetingId, string Partition, string? FurthestStage, DateTimeOffset? LastModifiedAt = null, string? Export = null, string? ContentHash = null);

/// <summary>Key layout of the meeting index: 64 buckets by a stable hash (FNV-1a) of the meeting id.</summary>
public static class MeetingIndex
{
    public const int Buckets = 64;

    public static string BucketOf(string meetingId) => BucketName(BucketNumberOf(meetingId));

    public static int BucketNumberOf(string meetingId) => (int)(StableHash(meetingId) % Buckets);

    public static string BucketName(int bucket) => "b" + bucket.ToString("D2", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>FNV-1a over the UTF-16 code units: the same on every machine and every run, unlike <see cref="string.GetHashCode()"/>.</summary>
    public static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
