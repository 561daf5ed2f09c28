using System.Data;
using System.Globalization;
using Sylvan.Data.Csv;

namespace CompFunctions.Pipeline.Http;

/// <summary>
/// CSV for payroll imports: RFC 4180 (written by Sylvan.Data.Csv), a header row, decimal points,
/// ISO dates. Text cells that a spreadsheet would run as a formula (starting with = + - @, a tab
/// or a carriage return) are prefixed with an apostrophe; amounts are numbers we format ourselves.
/// </summary>
public static class CsvOutput
{
    public static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        using var table = new DataTable { Locale = CultureInfo.InvariantCulture };
        foreach (var column in header)
        {
            table.Columns.Add(column, typeof(string));
        }

        foreach (var row in rows)
        {
            table.Rows.Add(row.Select(Cell).ToArray<object>());
        }

        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = CsvDataWriter.Create(text, new CsvDataWriterOptions { NewLine = "\r\n", Culture = CultureInfo.InvariantCulture }))
        {
            writer.Write(table.CreateDataReader());
        }

        return text.ToString();
    }

    private static string Cell(object? value) => value switch
    {
        null => "",
        decimal amount => amount.ToString(CultureInfo.InvariantCulture),
        int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        bool flag => flag ? "true" : "false",
        DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset instant => instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        _ => Neutralize(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    /// <summary>Defuses spreadsheet formula injection in a text cell.</summary>
    public static string Neutralize(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
}
