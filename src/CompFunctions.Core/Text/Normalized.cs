using System.Buffers;
using System.Globalization;
using System.Text;

namespace CompFunctions.Core.Text;

/// <summary>
/// Text as rules compare it: lower case, accents removed, punctuation turned into single spaces.
/// "VP, Sales" becomes "vp sales" and "Dirección de Ventas" becomes "direccion de ventas".
/// </summary>
public static class Normalized
{
    /// <summary>ASCII text up to this length is normalized on the stack; longer or other text makes a string.</summary>
    private const int StackLength = 256;

    private static readonly SearchValues<char> AsciiLettersAndDigits =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>
    /// Compares texts as <see cref="Of"/> them, without making the normalized strings when they are
    /// short ASCII (account names nearly always are): equal when their normalized forms are, null as "".
    /// </summary>
    public static IEqualityComparer<string?> Comparer { get; } = new NormalizedComparer();

    public static string Of(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        if (!Ascii.IsValid(text))
        {
            return OfUnicode(text);
        }

        char[]? rented = null;
        var buffer = text.Length <= StackLength ? stackalloc char[text.Length] : (rented = ArrayPool<char>.Shared.Rent(text.Length));
        var normalized = buffer[..OfAscii(text, buffer)];
        var result = normalized.SequenceEqual(text) ? text : new string(normalized);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return result;
    }

    /// <summary>True when <see cref="Of"/> gives "" (no letter or digit), without making it for ASCII text.</summary>
    public static bool IsEmpty(string? text) =>
        text is null || (Ascii.IsValid(text) ? !text.AsSpan().ContainsAny(AsciiLettersAndDigits) : Of(text).Length == 0);

    /// <summary>True when <paramref name="text"/> normalized is one of <paramref name="normalizedValues"/> (each already <see cref="Of"/> something).</summary>
    public static bool IsOneOf(string? text, IReadOnlyList<string> normalizedValues)
    {
        text ??= "";
        if (!IsShortAscii(text))
        {
            return normalizedValues.Contains(Of(text), StringComparer.Ordinal);
        }

        Span<char> buffer = stackalloc char[text.Length];
        var normalized = buffer[..OfAscii(text, buffer)];
        for (var i = 0; i < normalizedValues.Count; i++)
        {
            if (normalized.SequenceEqual(normalizedValues[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="phrase"/> occurs in <paramref name="text"/> as whole words, both normalized.</summary>
    public static bool ContainsPhrase(string text, string phrase) => ContainsWords(Of(text), Of(phrase));

    /// <summary>
    /// True when <paramref name="normalizedPhrase"/> occurs in <paramref name="normalizedText"/> as
    /// whole words; both must already be <see cref="Of"/> something. An empty phrase never occurs.
    /// </summary>
    public static bool ContainsWords(string normalizedText, string normalizedPhrase)
    {
        if (normalizedPhrase.Length == 0)
        {
            return false;
        }

        for (var at = normalizedText.IndexOf(normalizedPhrase, StringComparison.Ordinal); at >= 0;
             at = normalizedText.IndexOf(normalizedPhrase, at + 1, StringComparison.Ordinal))
        {
            var end = at + normalizedPhrase.Length;
            if ((at == 0 || normalizedText[at - 1] == ' ') && (end == normalizedText.Length || normalizedText[end] == ' '))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Writes what <see cref="Of"/> gives for ASCII text into <paramref name="into"/> (at least as
    /// long as the text) and returns its length. ASCII has no accents to decompose: letters and
    /// digits lower-cased, every run of anything else one space between words.
    /// </summary>
    private static int OfAscii(ReadOnlySpan<char> text, Span<char> into)
    {
        var length = 0;
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (pendingSpace && length > 0)
                {
                    into[length++] = ' ';
                }

                into[length++] = (char)(c | 0x20); // lower case for an ASCII letter; a digit already has the bit
                pendingSpace = false;
            }
            else
            {
                pendingSpace = true;
            }
        }

        return length;
    }

    private static string OfUnicode(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        var pendingSpace = false;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                if (pendingSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                builder.Append(char.ToLowerInvariant(c));
                pendingSpace = false;
            }
            else
            {
                pendingSpace = true;
            }
        }

        return builder.ToString();
    }

    private static bool IsShortAscii(string text) => text.Length <= StackLength && Ascii.IsValid(text);

    private sealed class NormalizedComparer : IEqualityComparer<string?>
    {
        public bool Equals(string? x, string? y)
        {
            if (ReferenceEquals(x, y))
            {
                return true;
            }

            x ??= "";
            y ??= "";
            if (!IsShortAscii(x) || !IsShortAscii(y))
            {
                return Of(x) == Of(y);
            }

            Span<char> left = stackalloc char[x.Length];
            Span<char> right = stackalloc char[y.Length];
            return left[..OfAscii(x, left)].SequenceEqual(right[..OfAscii(y, right)]);
        }

        public int GetHashCode(string? text)
        {
            text ??= "";
            if (!IsShortAscii(text))
            {
                return string.GetHashCode(Of(text));
            }

            Span<char> normalized = stackalloc char[text.Length];
            return string.GetHashCode(normalized[..OfAscii(text, normalized)]);
        }
    }
}
