using System.Globalization;
using System.Text;
using CompFunctions.Core.Export;
using CompFunctions.Core.Meetings;
using CompFunctions.LocalHost;
using CompFunctions.Pipeline.Storage;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>
/// The meeting index keeps each meeting's content hash: if the hash of an unchanged meeting ever
/// changed, the next night would take every meeting for changed. The fast hash must be the one the
/// index has always stored.
/// </summary>
public sealed class ContentHashTests
{
    /// <summary>The hash as first written: the meeting's entity, provenance and furthest stage blanked, properties in ordinal order.</summary>
    private static string AsFirstWritten(Meeting m)
    {
        var entity = MeetingEntities.ToEntity(m with { SourceRef = new SourceRef("", 0), FurthestStage = null }, "");
        var text = string.Join("\n", entity.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp")).Order(StringComparer.Ordinal)
            .Select(k => k + "=" + Convert.ToString(entity[k], CultureInfo.InvariantCulture)));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 12));
    }

    [Fact]
    public async Task The_content_hash_of_every_generated_meeting_is_the_one_the_index_has_always_stored()
    {
        var meetings = (await CsvRows.GeneratedMeetingsAsync(3_000, seed: 7)).Select(m => m with { FurthestStage = m.HighestStage }).ToList();

        Assert.True(meetings.Count > 2_900);
        Assert.All(meetings, m => Assert.Equal(AsFirstWritten(m), MeetingEntities.ContentHash(m)));
        Assert.Equal(meetings.Count, meetings.Select(MeetingEntities.ContentHash).Distinct().Count());
    }
}
