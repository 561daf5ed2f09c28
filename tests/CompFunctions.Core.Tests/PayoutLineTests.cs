using CompFunctions.Core.Meetings;
using CompFunctions.Core.Money;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Statements;
using Xunit;

namespace CompFunctions.Core.Tests;

/// <summary>A meeting line's id is made from its meeting and component when read; ordering and writing ids must not depend on how it is kept.</summary>
public sealed class PayoutLineTests
{
    // One list and one summary for every line: records compare lists by reference.
    private static readonly string[] Codes = ["HELD"];
    private static readonly QualificationSummary Qualified = new(true, "icp", [], null);

    private static PayoutLine Line(string? lineId, string meetingId, string component) => new(
        lineId!, meetingId, LineKind.Earning, component, new Money.Money(50m, Currency.USD).Rounded(), "held", Codes,
        Qualified, new DocumentRef("sdr-2026", 1), new DocumentRef("icp-2026", 1), new SourceRef("export.csv", 2), null);

    [Fact]
    public void A_line_without_an_id_is_named_by_its_meeting_and_component_and_equals_the_same_line_given_that_id()
    {
        var made = Line(null, "M-1", "meeting_held");
        var given = Line("M-1:meeting_held", "M-1", "meeting_held");

        Assert.Equal("M-1:meeting_held", made.LineId);
        Assert.Equal(given, made);
        Assert.Equal(given.GetHashCode(), made.GetHashCode());
    }

    [Fact]
    public void A_line_given_another_id_keeps_it_and_a_copy_with_a_new_id_reads_the_new_one()
    {
        var adjustment = Line("M-1:meeting_held@2026-10", "M-1", "meeting_held");
        var back = adjustment with { LineId = "M-1:meeting_held" };

        Assert.Equal("M-1:meeting_held@2026-10", adjustment.LineId);
        Assert.Equal("M-1:meeting_held", back.LineId);
        Assert.NotEqual(adjustment, back);
        Assert.Equal(Line(null, "M-1", "meeting_held"), back);
    }

    [Fact]
    public void Lines_order_by_id_exactly_as_an_ordinal_sort_of_the_id_strings()
    {
        // Meeting ids that are prefixes of others, that contain the separator or chars on either side of it ('9' < ':' < 'a').
        string[] meetings = ["m1", "m1a", "m10", "m1:x", "m1-", "M1", "m", "m1:", "é1", ""];
        string[] components = ["meeting_held", "pipeline", "a", "x:y"];
        var lines = meetings.SelectMany(m => components.Select(c => Line(null, m, c)))
            .Append(Line("m1:meeting_held@2026-10", "m1", "meeting_held"))
            .Append(Line("period:ramp_guarantee", "", "ramp_guarantee"))
            .ToArray();

        foreach (var a in lines)
        {
            foreach (var b in lines)
            {
                Assert.Equal(Math.Sign(string.CompareOrdinal(a.LineId, b.LineId)), Math.Sign(PayoutLine.CompareLineIds(a, b)));
            }
        }
    }

    [Fact]
    public void Meeting_ids_order_as_their_ids_followed_by_the_separator_order()
    {
        string[] meetings = ["m1", "m1a", "m10", "m1:x", "m1-", "M1", "m", "m1:", "é1", "", "m1:x:"];

        foreach (var a in meetings)
        {
            foreach (var b in meetings)
            {
                Assert.Equal(Math.Sign(string.CompareOrdinal(a + ":", b + ":")), Math.Sign(PayoutLine.CompareAsLineIdPrefixes(a, b)));
            }
        }
    }

    [Fact]
    public void A_line_id_written_into_a_span_is_the_id_read_as_a_string()
    {
        foreach (var line in new[] { Line(null, "M-1", "pipeline"), Line("M-1:pipeline@2026-10", "M-1", "pipeline") })
        {
            var into = new char[line.LineIdLength];

            Assert.Equal(line.LineId, new string(into, 0, line.CopyLineIdTo(into)));
        }
    }
}
