using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Money;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Statements;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// Payout lines as earlier versions stored them, a row each in <c>payoutlines</c> (see
/// <see cref="LegacyTables"/>): read once to move them into statement rows. The amount is an
/// invariant decimal string with its currency; lists are JSON arrays.
/// </summary>
public static class LineEntities
{
    public static TableEntity ToEntity(PayoutLine line, string partitionKey) => new(partitionKey, line.LineId)
    {
        ["MeetingId"] = line.MeetingId,
        ["Kind"] = line.Kind.ToString().ToLowerInvariant(),
        ["Component"] = line.Component,
        ["Amount"] = line.Amount.ToInvariantString(),
        ["Currency"] = line.Amount.Currency.Code,
        ["Reason"] = line.Reason,
        ["ReasonCodes"] = JsonSerializer.Serialize(line.ReasonCodes),
        ["Qualified"] = line.Qualification.Qualified,
        ["QualifiedBy"] = line.Qualification.By,
        ["FailedCriteria"] = JsonSerializer.Serialize(line.Qualification.FailedCriteria),
        ["DisqualifiedBy"] = line.Qualification.DisqualifiedBy,
        ["QualificationExplanation"] = line.Qualification.Explanation,
        ["Account"] = line.Account,
        ["BookedOn"] = line.BookedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["PlanId"] = line.Plan.Id,
        ["PlanVersion"] = line.Plan.Version,
        ["RulesetId"] = line.Ruleset.Id,
        ["RulesetVersion"] = line.Ruleset.Version,
        ["SourceExport"] = line.Source.Export,
        ["SourceLine"] = line.Source.Line,
        ["Adjusts"] = line.Adjusts,
    };

    public static PayoutLine FromEntity(TableEntity e)
    {
        var currency = Currency.Parse(e.GetString("Currency"));
        var amount = decimal.Parse(e.GetString("Amount"), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return new PayoutLine(
            e.RowKey,
            e.GetString("MeetingId"),
            Enum.Parse<LineKind>(e.GetString("Kind"), ignoreCase: true),
            e.GetString("Component"),
            new Money(amount, currency).Rounded(),
            e.GetString("Reason"),
            JsonSerializer.Deserialize<string[]>(e.GetString("ReasonCodes")) ?? [],
            new QualificationSummary(
                e.GetBoolean("Qualified") ?? false,
                e.GetString("QualifiedBy"),
                JsonSerializer.Deserialize<string[]>(e.GetString("FailedCriteria")) ?? [],
                e.GetString("DisqualifiedBy"),
                e.GetString("QualificationExplanation")),
            new DocumentRef(e.GetString("PlanId"), e.GetInt32("PlanVersion") ?? 0),
            new DocumentRef(e.GetString("RulesetId"), e.GetInt32("RulesetVersion") ?? 0),
            new SourceRef(e.GetString("SourceExport"), e.GetInt64("SourceLine") ?? 0),
            e.GetString("Adjusts"))
        {
            Account = e.GetString("Account"),
            BookedOn = e.GetString("BookedOn") is { } day ? DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        };
    }
}
