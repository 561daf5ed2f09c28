using System.Globalization;
using System.Text.RegularExpressions;
using CompFunctions.Core.Meetings;

namespace CompFunctions.Core.Export;

/// <summary>
/// Turns one row's raw cells into a <see cref="Meeting"/>, checking every value against the
/// contract. All problems of a row are reported together, so an operator fixes a row once.
/// </summary>
internal sealed partial class RowParser(Func<string, string?> cell, string exportName, long line)
{
    private readonly List<string> _problems = [];

    public IReadOnlyList<string> Problems => _problems;

    public Meeting? Parse()
    {
        var meetingId = Id(ExportColumns.MeetingId);
        var sdrId = Id(ExportColumns.SdrId);
        var aeId = Id(ExportColumns.AeId);
        var bookedAt = Instant(ExportColumns.BookedAt, required: true);
        var scheduledFor = Instant(ExportColumns.ScheduledFor, required: true);
        var status = Enum<MeetingStatus>(ExportColumns.MeetingStatus, MeetingEnumText.TryParseStatus, "scheduled, held, no_show, cancelled, rescheduled", required: true);
        var decision = Enum<AeDecision>(ExportColumns.AeDecision, MeetingEnumText.TryParseDecision, "pending, accepted, rejected", required: false);
        var leadScore = Enum<LeadScore>(ExportColumns.LeadScore, MeetingEnumText.TryParseLeadScore, "A, B, C, D", required: false);
        var source = Enum<LeadSource>(ExportColumns.Source, MeetingEnumText.TryParseSource, "outbound, inbound", required: false);
        var employees = NonNegativeInteger(ExportColumns.EmployeeCount);
        var amount = Amount(ExportColumns.OpportunityAmount);
        var currency = CurrencyCode(ExportColumns.Currency);
        var exceptionApproved = Boolean(ExportColumns.ExceptionApproved);
        var decisionAt = Instant(ExportColumns.AeDecisionAt, required: false);
        var createdAt = Instant(ExportColumns.OpportunityCreatedAt, required: false);
        var closedAt = Instant(ExportColumns.ClosedAt, required: false);
        var modifiedAt = Instant(ExportColumns.LastModifiedAt, required: false);

        if (amount is not null && currency is null)
        {
            _problems.Add("opportunity_amount is given without a currency");
        }

        if (_problems.Count > 0)
        {
            return null;
        }

        return new Meeting
        {
            MeetingId = meetingId!,
            SdrId = sdrId!,
            AeId = aeId!,
            BookedAt = bookedAt!.Value,
            ScheduledFor = scheduledFor!.Value,
            Status = status!.Value,
            AeDecision = decision ?? AeDecision.Pending,
            AeDecisionAt = decisionAt,
            RejectionReason = Text(ExportColumns.RejectionReason),
            AccountName = Text(ExportColumns.AccountName),
            ContactTitle = Text(ExportColumns.ContactTitle),
            Industry = Text(ExportColumns.Industry),
            EmployeeCount = employees,
            LeadScore = leadScore,
            Segment = Text(ExportColumns.Segment),
            Source = source,
            ExceptionApproved = exceptionApproved ?? false,
            ExceptionApprovedBy = Text(ExportColumns.ExceptionApprovedBy),
            OpportunityId = Text(ExportColumns.OpportunityId),
            OpportunityStage = Text(ExportColumns.OpportunityStage),
            HighestStage = Text(ExportColumns.HighestStage),
            OpportunityAmount = amount,
            Currency = currency,
            OpportunityCreatedAt = createdAt,
            ClosedAt = closedAt,
            CloseReason = Text(ExportColumns.CloseReason),
            LastModifiedAt = modifiedAt,
            SourceRef = new SourceRef(exportName, line),
        };
    }

    /// <summary>A cell's value, trimmed; null when the column is absent or the cell is empty.</summary>
    private string? Text(string column)
    {
        var value = cell(column)?.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private string? Id(string column)
    {
        var value = Text(column);
        if (Identifier.IsValid(value))
        {
            return value;
        }

        _problems.Add(value is null ? $"{column} is empty" : $"{column} '{Shorten(value)}' {Identifier.Describe(value)}");
        return null;
    }

    private DateTimeOffset? Instant(string column, bool required)
    {
        var value = Text(column);
        if (value is null)
        {
            if (required)
            {
                _problems.Add($"{column} is empty");
            }

            return null;
        }

        if (IsoInstant().IsMatch(value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant;
        }

        _problems.Add($"{column} '{Shorten(value)}' is not an ISO 8601 date-time with an offset or Z (e.g. 2026-11-03T15:10:00-08:00)");
        return null;
    }

    private T? Enum<T>(string column, TryParse<T> tryParse, string allowed, bool required)
        where T : struct
    {
        var value = Text(column);
        if (value is null)
        {
            if (required)
            {
                _problems.Add($"{column} is empty");
            }

            return null;
        }

        if (tryParse(value, out var parsed))
        {
            return parsed;
        }

        _problems.Add($"{column} '{Shorten(value)}' is not one of {allowed}");
        return null;
    }

    private int? NonNegativeInteger(string column)
    {
        var value = Text(column);
        if (value is null)
        {
            return null;
        }

        if (Digits().IsMatch(value) && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        _problems.Add($"{column} '{Shorten(value)}' is not a whole number ≥ 0");
        return null;
    }

    private decimal? Amount(string column)
    {
        var value = Text(column);
        if (value is null)
        {
            return null;
        }

        if (value.Contains(',', StringComparison.Ordinal))
        {
            _problems.Add($"{column} '{Shorten(value)}' contains a comma: use '.' as the decimal separator and no thousands separator (e.g. 48000.00)");
            return null;
        }

        if (DecimalNumber().IsMatch(value) && decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return amount;
        }

        _problems.Add($"{column} '{Shorten(value)}' is not a decimal number ≥ 0 with '.' as separator (e.g. 48000.00)");
        return null;
    }

    private string? CurrencyCode(string column)
    {
        var value = Text(column);
        if (value is null)
        {
            return null;
        }

        if (Money.Currency.TryParse(value, out var currency))
        {
            return currency.Code;
        }

        _problems.Add($"{column} '{Shorten(value)}' is not an ISO 4217 code (three letters, e.g. USD)");
        return null;
    }

    private bool? Boolean(string column)
    {
        var value = Text(column);
        if (value is null)
        {
            return null;
        }

        if (bool.TryParse(value, out var flag))
        {
            return flag;
        }

        _problems.Add($"{column} '{Shorten(value)}' is not true or false");
        return null;
    }

    /// <summary>Quotes at most 40 characters of a bad value: enough to find it, never a whole row.</summary>
    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private delegate bool TryParse<T>(string text, out T value);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoInstant();

    [GeneratedRegex(@"^\d{1,9}$", RegexOptions.CultureInvariant)]
    private static partial Regex Digits();

    [GeneratedRegex(@"^\d{1,20}(\.\d{1,8})?$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalNumber();
}
