using System.Text.RegularExpressions;

namespace CompFunctions.Core.Meetings;

/// <summary>
/// The id charset of the CRM export contract: 1–64 characters of <c>A-Z a-z 0-9 . _ : -</c>.
/// Ids in this charset are also safe as Table Storage keys and URL path segments.
/// </summary>
public static partial class Identifier
{
    public const int MaxLength = 64;

    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    public static string Describe(string? value) =>
        string.IsNullOrEmpty(value) ? "is empty"
        : value.Length > MaxLength ? $"is {value.Length} characters long (at most {MaxLength})"
        : "has a character outside A-Z a-z 0-9 . _ : -";

    [GeneratedRegex(@"^[A-Za-z0-9._:\-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
