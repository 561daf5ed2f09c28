using System.Text.Json;
using System.Text.Json.Serialization;
using CompFunctions.Core.Statements;

namespace CompFunctions.Pipeline.Http;

/// <summary>The JSON statement of <c>shared/contracts/statements-api.md</c>.</summary>
public sealed record StatementDocument(
    string SdrId,
    string Period,
    string Currency,
    string Status,
    DateTimeOffset GeneratedAt,
    TotalsDocument Totals,
    IReadOnlyList<LineDocument> Lines)
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static StatementDocument From(Statement s) => new(
        s.SdrId,
        s.Period.ToString(),
        s.Currency.Code,
        s.Status,
        s.GeneratedAt,
        new TotalsDocument(s.Totals.Earnings.Rounded().Amount, s.Totals.Clawbacks.Rounded().Amount, s.Totals.Adjustments.Rounded().Amount, s.Totals.Net.Rounded().Amount),
        s.Lines.Select(LineDocument.From).ToArray());
}

public sealed record TotalsDocument(decimal Earnings, decimal Clawbacks, decimal Adjustments, decimal Net);

public sealed record QualificationDocument(bool Qualified, string? By, IReadOnlyList<string> FailedCriteria, string? DisqualifiedBy, string? Explanation);

public sealed record DocumentRefDocument(string Id, int Version);

public sealed record SourceDocument(string Export, long Line);

public sealed record LineDocument(
    string LineId,
    string MeetingId,
    string Kind,
    string Component,
    decimal Amount,
    string Reason,
    IReadOnlyList<string> ReasonCodes,
    QualificationDocument Qualification,
    DocumentRefDocument Plan,
    DocumentRefDocument Ruleset,
    SourceDocument Source,
    string? Adjusts,
    string? Account,
    DateOnly? BookedOn)
{
    public static LineDocument From(PayoutLine l) => new(
        l.LineId,
        l.MeetingId,
        l.Kind.ToString().ToLowerInvariant(),
        l.Component,
        l.Amount.Rounded().Amount,
        l.Reason,
        l.ReasonCodes,
        new QualificationDocument(l.Qualification.Qualified, l.Qualification.By, l.Qualification.FailedCriteria, l.Qualification.DisqualifiedBy, l.Qualification.Explanation),
        new DocumentRefDocument(l.Plan.Id, l.Plan.Version),
        new DocumentRefDocument(l.Ruleset.Id, l.Ruleset.Version),
        new SourceDocument(l.Source.Export, l.Source.Line),
        l.Adjusts,
        l.Account,
        l.BookedOn);
}
