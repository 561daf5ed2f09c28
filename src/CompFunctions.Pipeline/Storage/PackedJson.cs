using System.Text;
using Azure.Data.Tables;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// JSON kept in a table row that may be longer than one property allows: Azure caps a string
/// property at 64 KiB (32K UTF-16 code units) and a row at 1 MiB, so the text is cut into
/// properties <c>Json0</c>, <c>Json1</c>… of at most 30,000 characters.
/// </summary>
public static class PackedJson
{
    private const int ChunkChars = 30_000;
    private const string Prefix = "Json";

    public static void Set(TableEntity row, string json)
    {
        for (int start = 0, chunk = 0; start < json.Length; start += ChunkChars, chunk++)
        {
            row[Prefix + chunk] = json.Substring(start, Math.Min(ChunkChars, json.Length - start));
        }
    }

    public static string Get(TableEntity row)
    {
        var json = new StringBuilder();
        for (var chunk = 0; row.TryGetValue(Prefix + chunk, out var part) && part is string text; chunk++)
        {
            json.Append(text);
        }

        return json.ToString();
    }

    /// <summary>Whether a property is one of the chunks.</summary>
    public static bool IsChunk(string property) => property.StartsWith(Prefix, StringComparison.Ordinal);
}
