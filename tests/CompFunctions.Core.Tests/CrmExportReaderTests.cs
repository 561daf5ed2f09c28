using System.Text;
using CompFunctions.Core.Export;
using CompFunctions.Core.Meetings;
using Xunit;

namespace CompFunctions.Core.Tests;

public sealed class CrmExportReaderTests
{
    private const string Header = "meeting_id,sdr_id,ae_id,booked_at,scheduled_for,meeting_status,opportunity_amount,currency,account_name";

    private static async Task<(ExportHeader Header, List<ExportRow> Rows)> ReadAsync(string text, bool bom = false)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bom)
        {
            bytes = [.. Encoding.UTF8.GetPreamble(), .. bytes];
        }

        using var reader = await CrmExportReader.OpenAsync(new MemoryStream(bytes), "test.csv", CancellationToken.None);
        var rows = new List<ExportRow>();
        await foreach (var row in reader.ReadRowsAsync(CancellationToken.None))
        {
            rows.Add(row);
        }

        return (reader.Header, rows);
    }

    private static string Row(string id, string status = "held", string amount = "", string currency = "", string account = "Acme", string bookedAt = "2026-11-03T15:10:00-08:00") =>
        $"{id},sdr-ana,ae-bo,{bookedAt},2026-11-06T10:00:00-08:00,{status},{amount},{currency},{account}";

    [Fact]
    public async Task The_contract_example_is_accepted_with_every_value()
    {
        var (header, rows) = await ReadAsync(File.ReadAllText(Samples.PathOf("crm-export-2026-11-26.csv")));

        Assert.Null(header.Rejection);
        var m1042 = Assert.IsType<AcceptedRow>(rows[0]).Meeting;
        Assert.Equal("M-1042", m1042.MeetingId);
        Assert.Equal(2, m1042.SourceRef.Line);
        Assert.Equal("Pérez & Hijos, S.L.", m1042.AccountName);
        Assert.Equal(LeadScore.C, m1042.LeadScore);
        Assert.Equal(40, m1042.EmployeeCount);
        Assert.Equal(48000.00m, m1042.OpportunityAmount);
        Assert.Equal("Negotiation", m1042.HighestStage);
        Assert.Equal(AeDecision.Accepted, m1042.AeDecision);
        var m1043 = Assert.IsType<AcceptedRow>(rows[1]).Meeting;
        Assert.Equal(MeetingStatus.NoShow, m1043.Status);
        Assert.Null(m1043.OpportunityId);
    }

    [Fact]
    public async Task A_file_missing_required_columns_is_rejected_whole_naming_them()
    {
        var (header, rows) = await ReadAsync("meeting_id,ae_id,scheduled_for,meeting_status\nM-1,ae-bo,2026-11-06T10:00:00Z,held\n");

        Assert.Equal(["sdr_id", "booked_at"], header.MissingColumns);
        Assert.Contains("sdr_id, booked_at", header.Rejection);
        Assert.Empty(rows);
    }

    [Fact]
    public async Task An_empty_file_is_rejected_as_having_no_header()
    {
        var (header, rows) = await ReadAsync("");

        Assert.Contains("empty", header.Rejection);
        Assert.Empty(rows);
    }

    [Fact]
    public async Task A_header_only_file_is_a_valid_snapshot_with_no_meetings()
    {
        var (header, rows) = await ReadAsync(Header + "\r\n");

        Assert.Null(header.Rejection);
        Assert.Empty(rows);
    }

    [Fact]
    public async Task Bom_crlf_and_header_case_and_spaces_are_handled()
    {
        var text = " Meeting_ID , SDR_ID,AE_ID,BOOKED_AT,Scheduled_For,Meeting_Status,opportunity_amount,currency,account_name\r\n" + Row("M-1") + "\r\n";

        var (header, rows) = await ReadAsync(text, bom: true);

        Assert.Null(header.Rejection);
        Assert.Equal("M-1", Assert.IsType<AcceptedRow>(Assert.Single(rows)).Meeting.MeetingId);
    }

    [Fact]
    public async Task Quoted_fields_may_hold_commas_quotes_and_newlines()
    {
        var text = Header + "\n" + Row("M-1", account: "\"Pérez & Hijos, S.L.\nSucursal \"\"Norte\"\"\"") + "\n" + Row("M-2") + "\n";

        var (_, rows) = await ReadAsync(text);

        Assert.Equal("Pérez & Hijos, S.L.\nSucursal \"Norte\"", Assert.IsType<AcceptedRow>(rows[0]).Meeting.AccountName);
        Assert.IsType<AcceptedRow>(rows[1]);
    }

    [Theory]
    [InlineData("maybe", "", "", "meeting_status 'maybe' is not one of")]
    [InlineData("held", "\"48,000.00\"", "USD", "opportunity_amount '48,000.00' contains a comma")]
    [InlineData("held", "48000", "", "opportunity_amount is given without a currency")]
    [InlineData("held", "12.5.1", "USD", "opportunity_amount '12.5.1' is not a decimal number")]
    public async Task A_bad_value_quarantines_the_row_with_its_line_and_the_other_rows_are_applied(string status, string amount, string currency, string reason)
    {
        var text = Header + "\n" + Row("M-1") + "\n" + Row("M-2", status, amount, currency) + "\n" + Row("M-3") + "\n";

        var (_, rows) = await ReadAsync(text);

        var bad = Assert.IsType<QuarantinedRow>(rows[1]);
        Assert.Equal(3, bad.Line);
        Assert.Equal("M-2", bad.MeetingId);
        Assert.Contains(reason, bad.Reason);
        Assert.IsType<AcceptedRow>(rows[0]);
        Assert.IsType<AcceptedRow>(rows[2]);
    }

    [Theory]
    [InlineData("2026-11-03", "booked_at '2026-11-03' is not an ISO 8601 date-time")]
    [InlineData("2026-11-03T15:10:00", "booked_at '2026-11-03T15:10:00' is not an ISO 8601 date-time with an offset")]
    [InlineData("03/11/2026 15:10", "is not an ISO 8601")]
    [InlineData("2026-02-30T10:00:00Z", "is not an ISO 8601")]
    public async Task Dates_need_iso_8601_with_an_offset(string bookedAt, string reason)
    {
        var (_, rows) = await ReadAsync(Header + "\n" + Row("M-1", bookedAt: bookedAt) + "\n");

        Assert.Contains(reason, Assert.IsType<QuarantinedRow>(Assert.Single(rows)).Reason);
    }

    [Theory]
    [InlineData("M 1")]
    [InlineData("M/1")]
    [InlineData("M-ñ")]
    public async Task Ids_with_characters_outside_the_charset_are_quarantined(string id)
    {
        var (_, rows) = await ReadAsync(Header + "\n" + Row(id) + "\n");

        Assert.Contains("has a character outside", Assert.IsType<QuarantinedRow>(Assert.Single(rows)).Reason);
    }

    [Fact]
    public async Task A_duplicate_meeting_id_keeps_the_first_row_and_quarantines_the_later_one()
    {
        var (_, rows) = await ReadAsync(Header + "\n" + Row("M-1") + "\n" + Row("M-1", status: "no_show") + "\n");

        Assert.Equal(MeetingStatus.Held, Assert.IsType<AcceptedRow>(rows[0]).Meeting.Status);
        var duplicate = Assert.IsType<QuarantinedRow>(rows[1]);
        Assert.Equal(3, duplicate.Line);
        Assert.Contains("appears earlier in this file", duplicate.Reason);
    }

    [Fact]
    public async Task A_row_with_too_few_fields_is_quarantined()
    {
        var (_, rows) = await ReadAsync(Header + "\nM-1,sdr-ana,ae-bo\n");

        Assert.Contains("has 3 fields; the header has 9", Assert.IsType<QuarantinedRow>(Assert.Single(rows)).Reason);
    }

    [Fact]
    public async Task Every_problem_of_a_row_is_reported_at_once()
    {
        var (_, rows) = await ReadAsync(Header + "\nM-1,,ae-bo,yesterday,2026-11-06T10:00:00Z,gone,,,\n");

        var reason = Assert.IsType<QuarantinedRow>(Assert.Single(rows)).Reason;
        Assert.Contains("sdr_id is empty", reason);
        Assert.Contains("booked_at 'yesterday'", reason);
        Assert.Contains("meeting_status 'gone'", reason);
    }

    [Fact]
    public async Task Unknown_columns_are_reported_and_ignored()
    {
        var (header, rows) = await ReadAsync(Header + ",region\n" + Row("M-1") + ",EMEA\n");

        Assert.Equal(["region"], header.UnknownColumns);
        Assert.IsType<AcceptedRow>(Assert.Single(rows));
    }

    [Fact]
    public async Task Enums_and_booleans_are_case_insensitive_and_optional_columns_default()
    {
        var text = "meeting_id,sdr_id,ae_id,booked_at,scheduled_for,meeting_status,exception_approved,lead_score\n"
            + "M-1,sdr-ana,ae-bo,2026-11-03T15:10:00Z,2026-11-06T10:00:00Z,NO_SHOW,TRUE,b\n";

        var meeting = Assert.IsType<AcceptedRow>(Assert.Single((await ReadAsync(text)).Rows)).Meeting;

        Assert.Equal(MeetingStatus.NoShow, meeting.Status);
        Assert.True(meeting.ExceptionApproved);
        Assert.Equal(LeadScore.B, meeting.LeadScore);
        Assert.Equal(AeDecision.Pending, meeting.AeDecision);
    }

    [Fact]
    public async Task An_unterminated_quote_stops_reading_with_a_quarantine_entry_but_keeps_earlier_rows()
    {
        var text = Header + "\n" + Row("M-1") + "\n" + Row("M-2", account: "\"never closed") + "\n" + Row("M-3") + "\n";

        var (_, rows) = await ReadAsync(text);

        Assert.IsType<AcceptedRow>(rows[0]);
        Assert.Contains("Nothing after this point could be read", Assert.IsType<QuarantinedRow>(rows[^1]).Reason);
    }
}
