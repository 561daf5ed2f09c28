namespace CompFunctions.IntegrationTests;

/// <summary>Builds small exports for tests, with ids unique to each test so tests never share rows.</summary>
internal static class CsvRows
{
    public const string Header = "meeting_id,sdr_id,ae_id,booked_at,scheduled_for,meeting_status,ae_decision,ae_decision_at,lead_score,employee_count,industry,opportunity_id,opportunity_stage,highest_stage,opportunity_amount,currency";

    /// <summary>A held meeting the AE accepted two hours after it; ICP-qualified with the default lead score.</summary>
    public static string Held(
        string meetingId,
        string sdrId,
        string bookedAt = "2026-11-10T10:00:00-08:00",
        string stage = "",
        string highest = "",
        string amount = "",
        string leadScore = "A",
        string scheduledFor = "2026-11-12T10:00:00-08:00")
    {
        var acceptedAt = DateTimeOffset.Parse(scheduledFor, System.Globalization.CultureInfo.InvariantCulture).AddHours(2).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        var opportunity = stage.Length > 0 ? "O-" + meetingId : "";
        var currency = amount.Length > 0 ? "USD" : "";
        return $"{meetingId},{sdrId},ae-bo,{bookedAt},{scheduledFor},held,accepted,{acceptedAt},{leadScore},300,Software,{opportunity},{stage},{highest},{amount},{currency}";
    }

    public static string File(params string[] rows) => Header + "\n" + string.Join("\n", rows) + "\n";

    /// <summary>The meetings of a generated export (<see cref="LocalHost.ExportGenerator"/>), as the reader accepts them.</summary>
    public static async Task<List<Core.Meetings.Meeting>> GeneratedMeetingsAsync(int rows, int seed)
    {
        var csv = new StringWriter();
        await LocalHost.ExportGenerator.WriteAsync(csv, new LocalHost.GeneratorOptions { Rows = rows, Seed = seed });
        using var reader = await Core.Export.CrmExportReader.OpenAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv.ToString())), $"generated-{seed}.csv", CancellationToken.None);
        var meetings = new List<Core.Meetings.Meeting>();
        await foreach (var row in reader.ReadRowsAsync(CancellationToken.None))
        {
            if (row is Core.Export.AcceptedRow accepted)
            {
                meetings.Add(accepted.Meeting);
            }
        }

        return meetings;
    }
}
