using System.Text.Json.Serialization;
using CompFunctions.Core.Meetings;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// JSON that stays in storage (meeting packs, meeting history, statement rows): enums by name, so a stored row
/// does not change meaning if an enum gains a member. Numbers written by earlier versions still read.
/// Meetings go through <see cref="MeetingJsonConverter"/>.
/// </summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(MeetingJsonConverter)])]
[JsonSerializable(typeof(Meeting))]
[JsonSerializable(typeof(Meeting[]))]
[JsonSerializable(typeof(MeetingChanges))]
[JsonSerializable(typeof(MeetingVersion))]
[JsonSerializable(typeof(MeetingVersion[]))]
[JsonSerializable(typeof(StatementBody))]
[JsonSerializable(typeof(StoredLine[]))]
public sealed partial class StoredJson : JsonSerializerContext;
