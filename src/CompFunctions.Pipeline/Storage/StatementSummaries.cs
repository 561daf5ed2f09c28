using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Statements;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// One statement's totals and the digest of its lines, as the evaluation left them.
/// <see cref="Problem"/> is set (and the totals are not) when the lines cannot form one statement.
/// </summary>
public sealed record StatementSummary(
    CompPeriod Period, string SdrId, string Digest, int Lines, string? Currency,
    decimal Earnings, decimal Clawbacks, decimal Adjustments, decimal Net, string? Problem);

/// <summary>
/// The <c>statements</c> table: one row per (period, SDR) with the statement's totals and a digest
/// of its lines, written by whoever changes the lines, right after they change. It is what the
/// payroll summary reads (one small partition per period instead of every line of the month), and
/// what a statement request checks, with one point read, to know whether the copy it rendered
/// before is still the statement.
/// </summary>
public sealed class StatementSummaries(TableServiceClient tables)
{
    private readonly TableClient _table = tables.GetTableClient(Tables.Statements);

    /// <summary>Records the summary of a statement partition from the rows it now holds; no rows, no statement.</summary>
    public async Task WriteAsync(string partition, IReadOnlyList<TableEntity> lineRows, CancellationToken cancellationToken)
    {
        var (period, sdrId) = Tables.SplitSdrPeriodKey(partition);
        if (lineRows.Count == 0)
        {
            // Answers 404 (not an exception) when there was none.
            await _table.DeleteEntityAsync(period, sdrId, cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        var summary = Summarise(CompPeriod.Parse(period), sdrId, lineRows);
        await _table.UpsertEntityAsync(ToEntity(summary), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StatementSummary?> GetAsync(CompPeriod period, string sdrId, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(period.ToString(), sdrId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? FromEntity(found.Value!) : null;
    }

    /// <summary>Every statement of the period, by SDR id.</summary>
    public async Task<IReadOnlyList<StatementSummary>> PeriodAsync(CompPeriod period, CancellationToken cancellationToken)
    {
        var summaries = new List<StatementSummary>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {period.ToString()}");
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            summaries.Add(FromEntity(e));
        }

        return summaries.OrderBy(s => s.SdrId, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Totals computed exactly as a statement computes them, from the same lines.</summary>
    public static StatementSummary Summarise(CompPeriod period, string sdrId, IReadOnlyList<TableEntity> lineRows)
    {
        var digest = Digest(lineRows);
        var lines = lineRows.Select(LineEntities.FromEntity).ToArray();
        try
        {
            var statement = Statement.Create(sdrId, period, lines[0].Amount.Currency, Statement.Open, default, lines);
            var t = statement.Totals;
            return new StatementSummary(period, sdrId, digest, lines.Length, statement.Currency.Code,
                t.Earnings.Rounded().Amount, t.Clawbacks.Rounded().Amount, t.Adjustments.Rounded().Amount, t.Net.Rounded().Amount, null);
        }
        catch (InvalidOperationException e)
        {
            // Kept, not thrown: the evaluation that wrote these lines must not fail over it; the statement routes report it.
            return new StatementSummary(period, sdrId, digest, lines.Length, null, 0m, 0m, 0m, 0m, e.Message);
        }
    }

    /// <summary>
    /// A digest of a partition's rows: the same whether the rows were built by an evaluation or read
    /// back from the table (values compared as <see cref="PartitionSync.Canonical"/> prints them).
    /// </summary>
    public static string Digest(IEnumerable<TableEntity> rows)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(text.Length.ToString(CultureInfo.InvariantCulture) + ":" + text));
        }

        foreach (var row in rows.OrderBy(r => r.RowKey, StringComparer.Ordinal))
        {
            Add(row.RowKey);
            foreach (var key in row.Keys.Where(k => !PartitionSync.IsSystem(k)).Order(StringComparer.Ordinal))
            {
                if (PartitionSync.Canonical(row[key]) is { } value)
                {
                    Add(key);
                    Add(value);
                }
            }

            Add("");
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static TableEntity ToEntity(StatementSummary s) => new(s.Period.ToString(), s.SdrId)
    {
        ["Digest"] = s.Digest,
        ["Lines"] = s.Lines,
        ["Currency"] = s.Currency,
        ["Earnings"] = Invariant(s.Earnings),
        ["Clawbacks"] = Invariant(s.Clawbacks),
        ["Adjustments"] = Invariant(s.Adjustments),
        ["Net"] = Invariant(s.Net),
        ["Problem"] = s.Problem,
    };

    private static StatementSummary FromEntity(TableEntity e) => new(
        CompPeriod.Parse(e.PartitionKey),
        e.RowKey,
        e.GetString("Digest"),
        e.GetInt32("Lines") ?? 0,
        e.GetString("Currency"),
        Parse(e.GetString("Earnings")),
        Parse(e.GetString("Clawbacks")),
        Parse(e.GetString("Adjustments")),
        Parse(e.GetString("Net")),
        e.GetString("Problem"));

    private static string Invariant(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);

    private static decimal Parse(string? amount) =>
        amount is null ? 0m : decimal.Parse(amount, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
