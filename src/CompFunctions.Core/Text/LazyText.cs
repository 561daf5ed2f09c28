using System.Globalization;

namespace CompFunctions.Core.Text;

/// <summary>
/// A sentence a rep may read (a reason, an explanation, a value a criterion looked at), kept as
/// what it is made of and formatted the first time it is read. An evaluation explains every
/// criterion and every line, and most of those sentences are stored or compared without being
/// read one by one; formatting them all eagerly was most of an evaluation's time and memory.
/// The text is the one eager formatting gave: the parts are immutable, and it is formatted with
/// the culture that was current when it was made. Two texts are equal when their strings are.
/// </summary>
internal abstract class LazyText : IEquatable<LazyText>
{
    private static readonly LazyText Empty = new Fixed("");

    private string? _value;

    private LazyText(string? value) => _value = value;

    public string Value => _value ??= Format();

    /// <summary>Text already formatted (null stays null, so a record keeps what it was given).</summary>
    public static LazyText? From(string? text) => text switch
    {
        null => null,
        "" => Empty,
        _ => new Fixed(text),
    };

    /// <summary>Text formatted from <paramref name="parts"/> by <paramref name="format"/> (a static lambda: it must not capture) when first read.</summary>
    public static LazyText Of<TParts>(TParts parts, Func<TParts, string> format) => new Deferred<TParts>(parts, format);

    public bool Equals(LazyText? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as LazyText);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    public override string ToString() => Value;

    protected abstract string Format();

    private sealed class Fixed(string text) : LazyText(text)
    {
        protected override string Format() => Value;
    }

    private sealed class Deferred<TParts>(TParts parts, Func<TParts, string> format) : LazyText(null)
    {
        private readonly CultureInfo _culture = CultureInfo.CurrentCulture;

        protected override string Format()
        {
            var current = CultureInfo.CurrentCulture;
            if (ReferenceEquals(current, _culture))
            {
                return format(parts);
            }

            CultureInfo.CurrentCulture = _culture;
            try
            {
                return format(parts);
            }
            finally
            {
                CultureInfo.CurrentCulture = current;
            }
        }
    }
}
