using CompFunctions.Core.Meetings;
using Xunit;

namespace CompFunctions.Core.Tests;

public sealed class StageOrderTests
{
    [Fact]
    public void A_lost_deal_keeps_the_furthest_stage_it_reached()
    {
        Assert.Equal("Negotiation", StageOrder.Default.Furthest("Closed Lost", "Negotiation", "Demo"));
    }

    [Fact]
    public void Closed_lost_alone_is_no_progress()
    {
        Assert.Null(StageOrder.Default.Furthest("Closed Lost"));
        Assert.False(StageOrder.Default.HasReached("Closed Lost", "Discovery"));
    }

    [Fact]
    public void Stage_names_match_case_insensitively_and_come_back_in_canonical_spelling()
    {
        Assert.Equal("Proposal", StageOrder.Default.Furthest(" proposal ", null));
        Assert.True(StageOrder.Default.HasReached("NEGOTIATION", "Proposal"));
    }

    [Fact]
    public void A_stage_list_with_a_duplicate_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new StageOrder(["Demo", "demo"]));
    }
}
