using CompFunctions.Core.Meetings;

namespace CompFunctions.Core.Export;

/// <summary>One data row of an export, either accepted as a meeting or quarantined with a reason.</summary>
public abstract record ExportRow(long Line);

public sealed record AcceptedRow(long Line, Meeting Meeting) : ExportRow(Line);

/// <summary>A row that was not applied. <see cref="MeetingId"/> is the raw value when one was readable.</summary>
public sealed record QuarantinedRow(long Line, string? MeetingId, string Reason) : ExportRow(Line);

/// <summary>
/// What the header says about the file. <see cref="Rejection"/> is set when the file cannot be
/// applied at all (empty, or a required column missing); nothing from such a file is applied.
/// </summary>
public sealed record ExportHeader(
    IReadOnlyList<string> Columns,
    IReadOnlyList<string> MissingColumns,
    IReadOnlyList<string> UnknownColumns,
    string? Rejection)
{
    public bool IsRejected => Rejection is not null;
}
