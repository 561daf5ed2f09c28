using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Reads a meeting index pack's JSON (an array of <see cref="MeetingIndexEntry"/> as
/// <see cref="MeetingIndex.ToPack"/> writes it, camelCase; absent or null = null) with a
/// <see cref="Utf8JsonReader"/>, without the serializer's constructor-parameter path, which was a
/// quarter of an unchanged night's CPU. Texts that repeat from entry to entry (partitions, stages,
/// export names) come from a <see cref="Pool"/>, so a bucket of 15,000 entries holds a few thousand
/// distinct strings, not 45,000. Unknown properties are skipped, as the serializer skipped them.
/// </summary>
internal static class IndexEntryReader
{
    /// <summary>Reads a pack's JSON from <paramref name="json"/> (read to its end into a pooled buffer).</summary>
    public static MeetingIndexEntry[] Read(Stream json, Pool? pool)
    {
        using var bytes = RentedBytes.ReadAll(json);
        return Read(bytes.Span, pool);
    }

    public static MeetingIndexEntry[] Read(string json, Pool? pool) => Read(Encoding.UTF8.GetBytes(json), pool);

    private static MeetingIndexEntry[] Read(ReadOnlySpan<byte> json, Pool? pool)
    {
        var reader = new Utf8JsonReader(json);
        var entries = new List<MeetingIndexEntry>();
        Expect(ref reader, JsonTokenType.StartArray);
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"A meeting index entry must be an object, not {reader.TokenType}.");
            }

            entries.Add(ReadEntry(ref reader, pool));
        }

        return [.. entries];
    }

    private static MeetingIndexEntry ReadEntry(ref Utf8JsonReader reader, Pool? pool)
    {
        string? meetingId = null, partition = null, furthestStage = null, export = null, contentHash = null, rawHash = null;
        DateTimeOffset? lastModifiedAt = null;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = reader;
            Next(ref reader);
            if (name.ValueTextEquals("meetingId"u8))
            {
                meetingId = reader.GetString();
            }
            else if (name.ValueTextEquals("partition"u8))
            {
                partition = Pooled(ref reader, pool);
            }
            else if (name.ValueTextEquals("furthestStage"u8))
            {
                furthestStage = Pooled(ref reader, pool);
            }
            else if (name.ValueTextEquals("lastModifiedAt"u8))
            {
                lastModifiedAt = reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset();
            }
            else if (name.ValueTextEquals("export"u8))
            {
                export = Pooled(ref reader, pool);
            }
            else if (name.ValueTextEquals("contentHash"u8))
            {
                contentHash = reader.GetString();
            }
            else if (name.ValueTextEquals("rawHash"u8))
            {
                rawHash = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return new MeetingIndexEntry(
            meetingId ?? throw new JsonException("A meeting index entry has no meetingId."),
            partition ?? throw new JsonException($"The meeting index entry of {meetingId} has no partition."),
            furthestStage, lastModifiedAt, export, contentHash, rawHash);
    }

    private static string? Pooled(ref Utf8JsonReader reader, Pool? pool)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (pool is null || reader.HasValueSequence || reader.ValueSpan.Length > 256)
        {
            return reader.GetString();
        }

        Span<char> chars = stackalloc char[256];
        var length = reader.CopyString(chars);
        return pool.Get(chars[..length]);
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("A meeting index pack ends in the middle of its JSON.");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (Next(ref reader) != type)
        {
            throw new JsonException($"A meeting index pack must be a JSON array, not {reader.TokenType}.");
        }
    }

    /// <summary>One string per distinct text, for texts read many times over; safe to share between readers.</summary>
    public sealed class Pool
    {
        private readonly HashSet<string> _texts = new(StringComparer.Ordinal);
        private readonly Lock _lock = new();

        public string Get(ReadOnlySpan<char> text)
        {
            lock (_lock)
            {
                var lookup = _texts.GetAlternateLookup<ReadOnlySpan<char>>();
                if (lookup.TryGetValue(text, out var known))
                {
                    return known;
                }

                var made = text.ToString();
                _texts.Add(made);
                return made;
            }
        }
    }
}

/// <summary>How index packs are written: camelCase as before, nulls left out.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MeetingIndexEntry[]))]
internal sealed partial class IndexJson : JsonSerializerContext;
