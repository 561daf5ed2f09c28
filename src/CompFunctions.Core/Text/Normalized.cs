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

    /// <summary>True when <paramref name="phrase"/> occurs in <paramref name="text"/> as whole words, both normalized.</summary>
    public static bool ContainsPhrase(string text, string phrase)
    {
        var t = " " + Of(text) + " ";
        var p = " " + Of(phrase) + " ";
        return p.Trim().Length > 0 && t.Contains(p, StringComparison.Ordinal);
    }
}
