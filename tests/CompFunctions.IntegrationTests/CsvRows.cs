namespace CompFunctions.IntegrationTests;

/// <summary>Builds small exports for tests, with ids unique to each test so tests never share rows.</summary>
internal static class CsvRows
{
    public const string Header = "meeting_id,sdr_id,ae_id,booked_at,scheduled_for,meeting_status,ae_decision,lead_score,employee_count,industry,opportunity_id,opportunity_stage,highest_stage,opportunity_amount,currency";

    public static string Held(string meetingId, string sdrId, string bookedAt = "2026-11-10T10:00:00-08:00", string stage = "", string highest = "", string amount = "", string leadScore = "A") =>
        $"{meetingId},{sdrId},ae-bo,{bookedAt},2026-11-12T10:00:00-08:00,held,accepted,{leadScore},300,Software,{(stage.Length > 0 ? "O-" + meetingId : "")},{stage},{highest},{amount},{(amount.Length > 0 ? "USD" : "")}";

    public static string File(params string[] rows) => Header + "\n" + string.Join("\n", rows) + "\n";
}
