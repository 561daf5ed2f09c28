using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CompFunctions.Core.Meetings;
using CompFunctions.Pipeline.Storage;

namespace CompFunctions.Pipeline.Ingestion;

/// <summary>
/// Items sorted into a fixed number of local temporary files by a key (a meeting's index bucket,
/// a partition), so a whole export can be grouped without holding it in memory: written once in
/// order, read back one file at a time in the same order. The files are deleted on dispose.
/// </summary>
internal sealed class Spill<T> : IDisposable
{
    // Up to 128 files are open at once: 16 KiB each (chars and bytes) keeps them off the large
    // object heap and ~7 MB in all (64 KiB buffers made ~50 MB, two thirds of it large objects).
    private const int BufferBytes = 16 * 1024;
    private const int BufferChars = 8 * 1024;
    private readonly string _folder;
    private readonly string _name;
    private readonly JsonTypeInfo<T> _type;
    private readonly StreamWriter?[] _writers;

    public Spill(string folder, string name, int files, JsonTypeInfo<T> type)
    {
        _folder = folder;
        _name = name;
        _type = type;
        _writers = new StreamWriter?[files];
        Directory.CreateDirectory(folder);
    }

    public int Files => _writers.Length;

    public long Count { get; private set; }

    public void Add(int file, T item)
    {
        var writer = _writers[file] ??= new StreamWriter(new FileStream(PathOf(file), FileMode.Create, FileAccess.Write, FileShare.None, BufferBytes), new UTF8Encoding(false), BufferChars);
        writer.WriteLine(JsonSerializer.Serialize(item, _type));
        Count++;
    }

    /// <summary>The items of one file, in the order they were added. Adding to that file afterwards is not supported.</summary>
    public IEnumerable<T> Read(int file)
    {
        if (_writers[file] is not { } writer)
        {
            yield break;
        }

        writer.Dispose();
        foreach (var line in File.ReadLines(PathOf(file), Encoding.UTF8))
        {
            yield return JsonSerializer.Deserialize(line, _type)!;
        }
    }

    public void Dispose()
    {
        for (var i = 0; i < _writers.Length; i++)
        {
            _writers[i]?.Dispose();
            File.Delete(PathOf(i));
        }
    }

    private string PathOf(int file) => Path.Combine(_folder, $"{_name}-{file:D3}.jsonl");
}

/// <summary>What ingestion spills: meetings, and the index entries to write once the meetings are stored.</summary>
[JsonSourceGenerationOptions(Converters = [typeof(MeetingJsonConverter)])]
[JsonSerializable(typeof(Meeting))]
[JsonSerializable(typeof(MeetingIndexEntry))]
internal sealed partial class SpillJson : JsonSerializerContext;
