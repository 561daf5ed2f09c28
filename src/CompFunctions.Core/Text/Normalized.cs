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
    public static string Of(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        return Ascii.IsValid(text) ? OfAscii(text) : OfUnicode(text);
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

    /// <summary>ASCII has no accents to decompose: lower-case letters and digits, punctuation runs as one space; the same string when it is already normalized.</summary>
    private static string OfAscii(string text)
    {
        char[]? rented = null;
        var buffer = text.Length <= 256 ? stackalloc char[text.Length] : (rented = ArrayPool<char>.Shared.Rent(text.Length));
        var length = 0;
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (pendingSpace && length > 0)
                {
                    buffer[length++] = ' ';
                }

                buffer[length++] = char.ToLowerInvariant(c);
                pendingSpace = false;
            }
            else
            {
                pendingSpace = true;
            }
        }

        var normalized = buffer[..length];
        var result = normalized.SequenceEqual(text) ? text : new string(normalized);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return result;
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
}
