namespace CompFunctions.Pipeline.Storage;

/// <summary>Table names and key layouts. Keys only ever hold ids from the contract's safe charset.</summary>
public static class Tables
{
    /// <summary>Current meetings, one row per SDR and period (see <see cref="MeetingPacks"/>). PartitionKey <c>{period}|{sdrId}</c>, RowKey <c>!pack</c>.</summary>
    public const string Meetings = "meetings";

    /// <summary>
    /// Where each meeting lives now and the furthest stage ever seen for it.
    /// PartitionKey a hash bucket of the meeting id, RowKey a pack (a second hash) holding the entries
    /// of many meetings (see <see cref="MeetingIndex"/>).
    /// </summary>
    public const string MeetingIndex = "meetingindex";

    /// <summary>
    /// One row per statement: its totals and digests as columns, its lines and verdicts inside
    /// (see <see cref="StatementStore"/>). PartitionKey the period <c>YYYY-MM</c>, RowKey the SDR id.
    /// </summary>
    public const string Statements = "statements";

    /// <summary>Accepted policy documents. PartitionKey <c>{kind}|{id}</c> (kind <c>ruleset</c> or <c>plan</c>), RowKey the version, 6 digits.</summary>
    public const string Policies = "policies";

    /// <summary>
    /// Every distinct version of every meeting ever applied (superseded values stay readable).
    /// PartitionKey the meeting id's bucket, RowKey <c>{pack}|{runId}</c>: the versions a run brought
    /// of the meetings of one index pack (see <see cref="Storage.MeetingHistory"/>).
    /// </summary>
    public const string MeetingHistory = "meetinghistory";

    /// <summary>What each evaluation did. PartitionKey the run (or reason) that asked for it, RowKey <c>{period}|{sdrId}</c>.</summary>
    public const string Evaluations = "evaluations";

    /// <summary>Locked periods. PartitionKey <c>period</c>, RowKey <c>YYYY-MM</c>.</summary>
    public const string Periods = "periods";

    /// <summary>Export runs. PartitionKey <c>run</c>, RowKey run id.</summary>
    public const string Runs = "runs";

    /// <summary>Nightly check results. PartitionKey <c>nightly</c>, RowKey the local date checked.</summary>
    public const string NightlyChecks = "nightlychecks";

    public static IReadOnlyList<string> All { get; } = [Meetings, MeetingIndex, MeetingHistory, Statements, Evaluations, Policies, Periods, Runs, NightlyChecks];

    public static string SdrPeriodKey(Core.Periods.CompPeriod period, string sdrId) => $"{period}|{sdrId}";

    public static (string Period, string SdrId) SplitSdrPeriodKey(string partition)
    {
        var bar = partition.IndexOf('|', StringComparison.Ordinal);
        return (partition[..bar], partition[(bar + 1)..]);
    }
}
