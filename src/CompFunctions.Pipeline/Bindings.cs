namespace CompFunctions.Pipeline;

/// <summary>
/// The one source of trigger names and routes. The Functions app's attributes and the local
/// host's WebJobs attributes and ASP.NET Core routes all use these constants, and a test checks
/// them against the <c>functions.metadata</c> the Functions SDK generates.
/// </summary>
public static class Bindings
{
    /// <summary>
    /// The app setting (or setting prefix, for identity) of the data storage account every trigger and
    /// client uses. In Azure it is a separate account from the host's <c>AzureWebJobsStorage</c>;
    /// locally both are Azurite.
    /// </summary>
    public const string StorageConnection = "DataStorage";

    public const string ExportsContainer = "crm-exports";
    public const string ExportBlobPath = ExportsContainer + "/{name}";

    /// <summary>Where each run's report (counts, missing columns, quarantined rows) is written, named after the export.</summary>
    public const string ReportsContainer = "export-reports";

    /// <summary>
    /// Where RevOps drops policy documents (<c>rulesets/*.json</c>, <c>plans/*.json</c>); each is
    /// validated and, when good, accepted into the <c>policies</c> table. Never deployed with the code.
    /// </summary>
    public const string ConfigContainer = "comp-config";
    public const string ConfigBlobPath = ConfigContainer + "/{name}";

    /// <summary>Where each policy document's acceptance or rejection report is written.</summary>
    public const string ConfigReportsContainer = "config-reports";

    /// <summary>
    /// The meeting index's buckets, one blob each (<c>b00.bin</c> … <c>b63.bin</c>; see
    /// <c>MeetingIndex</c>): what ingestion reads every night to recognise unchanged rows.
    /// </summary>
    public const string IndexContainer = "meeting-index";

    /// <summary>One message per (SDR, period) an export touched.</summary>
    public const string EvaluationQueue = "evaluate-requests";

    public const string NightlyCheckSchedule = "%Compensation:NightlyCheck:Schedule%";

    public const string StatementRoute = "statements/{period}/{sdrId}";
    public const string SummaryRoute = "statements/{period}";
    public const string MeetingRoute = "meetings/{meetingId}";
    public const string LockRoute = "periods/{period}/lock";
    public const string ReplayRoute = "periods/{period}/replay";
    public const string CompareRoute = "compare";
    public const string MeasureRoute = "measure/{period}";
    public const string HealthRoute = "health";

    /// <summary>Function names, shared so both hosts log and report the same names.</summary>
    public static class Functions
    {
        public const string IngestExport = "IngestExport";
        public const string IngestPolicyDocument = "IngestPolicyDocument";
        public const string GetMeeting = "GetMeeting";
        public const string LockPeriod = "LockPeriod";
        public const string ReplayPeriod = "ReplayPeriod";
        public const string ComparePolicies = "ComparePolicies";
        public const string MeasurePolicy = "MeasurePolicy";
        public const string EvaluateSdrPeriod = "EvaluateSdrPeriod";
        public const string GetStatement = "GetStatement";
        public const string GetPayrollSummary = "GetPayrollSummary";
        public const string Health = "Health";
        public const string NightlyExportCheck = "NightlyExportCheck";
    }
}
