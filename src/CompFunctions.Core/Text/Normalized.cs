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

    /// <summary>
    /// Compares texts as <see cref="Of"/> them, without making the normalized strings when both are
    /// ASCII (account names nearly always are): equal when their normalized forms are, null as "".
    /// </summary>
    public static IEqualityComparer<string?> Comparer { get; } = new NormalizedComparer();

    /// <summary>True when <see cref="Of"/> gives "" (no letter or digit), without making it for ASCII text.</summary>
    public static bool IsEmpty(string? text) =>
        text is null || (Ascii.IsValid(text) ? !text.AsSpan().ContainsAny(AsciiLettersAndDigits) : Of(text).Length == 0);

    private static readonly SearchValues<char> AsciiLettersAndDigits =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

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
            if (!Ascii.IsValid(x) || !Ascii.IsValid(y))
            {
                return Of(x) == Of(y);
            }

            var left = new AsciiWords(x);
            var right = new AsciiWords(y);
            while (true)
            {
                var more = left.MoveNext();
                if (more != right.MoveNext())
                {
                    return false;
                }

                if (!more)
                {
                    return true;
                }

                if (left.Current != right.Current)
                {
                    return false;
                }
            }
        }

        public int GetHashCode(string? text)
        {
            text ??= "";
            var hash = new HashCode();
            if (Ascii.IsValid(text))
            {
                for (var words = new AsciiWords(text); words.MoveNext();)
                {
                    hash.Add(words.Current);
                }
            }
            else
            {
                foreach (var c in Of(text))
                {
                    hash.Add(c);
                }
            }

            return hash.ToHashCode();
        }
    }

    /// <summary>The characters <see cref="Of"/> gives for ASCII text, one at a time.</summary>
    private ref struct AsciiWords(string text)
    {
        private int _next;
        private bool _started;
        private bool _pendingSpace;
        private char _held;

        public char Current { get; private set; }

        public bool MoveNext()
        {
            if (_held != default)
            {
                Current = _held;
                _held = default;
                return true;
            }

            while (_next < text.Length)
            {
                var c = text[_next++];
                if (!char.IsAsciiLetterOrDigit(c))
                {
                    _pendingSpace = true;
                    continue;
                }

                var lower = char.ToLowerInvariant(c);
                if (_pendingSpace && _started)
                {
                    _pendingSpace = false;
                    _held = lower;
                    Current = ' ';
                    return true;
                }

                _pendingSpace = false;
                _started = true;
                Current = lower;
                return true;
            }

            return false;
        }
    }
}
