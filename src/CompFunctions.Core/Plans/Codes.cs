using System.Collections.Concurrent;

namespace CompFunctions.Core.Plans;

/// <summary>
/// Reason-code lists of one code, made once per code and shared by every line that carries it
/// (lines never change their lists: a rule that adds a code makes a new one).
/// </summary>
internal static class Codes
{
    private static readonly ConcurrentDictionary<string, string[]> Single = new(StringComparer.Ordinal);

    public static IReadOnlyList<string> Just(string code) => Single.GetOrAdd(code, static c => [c]);
}
