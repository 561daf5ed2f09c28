using CompFunctions.Core.Meetings;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;
using CompFunctions.Core.Text;
using Xunit;

namespace CompFunctions.Core.Tests;

/// <summary>The brief's scenario under one sample ruleset per policy family.</summary>
public sealed class PolicyFamilyTests
{
    public static TheoryData<string, bool, string?, string[]> M1042 => new()
    {
        // ruleset              qualified  by                failed criteria
        { "icp-2026",             false, null,             ["lead_score", "employee_count", "industry"] },
        { "sao-2026",             true,  "ae_accepted",    [] },
        { "stage-discovery-2026", true,  "stage_reached",  [] },
        { "meeting-set-2026",     true,  "meeting_set",    [] },
        { "closed-won-2026",      false, null,             [] },
        { "icp-exceptions-2026",  false, null,             ["lead_score", "employee_count", "industry"] },
        { "blended-2026",         true,  "ae_accepted",    [] },
    };

    [Theory]
    [MemberData(nameof(M1042))]
    public void M1042_gets_the_verdict_the_brief_states_under_each_policy(string ruleset, bool qualified, string? by, string[] failed)
    {
        var verdict = Samples.Verdict(ruleset, MeetingBuilder.M1042());

        Assert.Equal((qualified, by), (verdict.Qualified, verdict.By));
        Assert.Equal(failed, verdict.FailedCriteria);
        Assert.Null(verdict.DisqualifiedBy);
        Assert.Equal(new DocumentRef(ruleset, 1), verdict.Ruleset);
    }

    [Fact]
    public void Under_strict_icp_M1042_is_explained_criterion_by_criterion_with_the_values_looked_at()
    {
        var verdict = Samples.Verdict("icp-2026", MeetingBuilder.M1042());

        Assert.Equal(
            "not qualified: lead score C (needs A or B); 40 employees (needs at least 50); industry Hospitality is not in the list (Software, Fintech, Healthcare, Manufacturing, Logistics)",
            verdict.Explanation);
        var observed = verdict.Criteria.ToDictionary(c => c.Criterion, c => (c.Passed, c.Observed));
        Assert.Equal((false, "C"), observed["lead_score"]);
        Assert.Equal((false, "40"), observed["employee_count"]);
        Assert.Equal((false, "Hospitality"), observed["industry"]);
        Assert.Equal((false, "Office Manager"), observed["persona"]);
        Assert.False(verdict.Criteria.Single(c => c.Criterion == "persona").Required);
    }

    [Fact]
    public void Under_closed_won_only_M1042_is_not_qualified_because_it_was_lost_at_negotiation()
    {
        var verdict = Samples.Verdict("closed-won-2026", MeetingBuilder.M1042());

        Assert.Equal("not qualified: opportunity O-77 has reached Negotiation (qualifies at Closed Won or later)", verdict.Explanation);
    }

    [Fact]
    public void With_an_approved_exception_M1042_qualifies_by_exception()
    {
        var verdict = Samples.Verdict("icp-exceptions-2026", MeetingBuilder.M1042() with { ExceptionApproved = true, ExceptionApprovedBy = "vp-sales" });

        Assert.Equal((true, "exception"), (verdict.Qualified, verdict.By));
        Assert.Equal("qualified: an out-of-segment exception was approved by vp-sales", verdict.Explanation);
    }

    [Theory]
    [InlineData("icp-2026")]
    [InlineData("sao-2026")]
    [InlineData("blended-2026")]
    public void A_no_show_is_disqualified_whatever_else_is_true(string ruleset)
    {
        var verdict = Samples.Verdict(ruleset, MeetingBuilder.M1043() with { AeDecision = AeDecision.Accepted });

        Assert.False(verdict.Qualified);
        Assert.Equal("no_show", verdict.DisqualifiedBy?.Disqualifier);
        Assert.Equal("disqualified: no-show on 2026-11-05", verdict.Explanation);
    }

    [Fact]
    public void Under_pay_per_meeting_set_a_no_show_still_counts()
    {
        Assert.True(Samples.Verdict("meeting-set-2026", MeetingBuilder.M1043()).Qualified);
    }
}

public sealed class CriterionTests
{
    private static CriterionOutcome Check(Criterion criterion, Meeting meeting) => criterion.Evaluate(meeting);

    [Theory]
    [InlineData("Director de Ventas", true)]
    [InlineData("VP, Sales", true)]
    [InlineData("vp sales & marketing", true)]
    [InlineData("Dirección Comercial", true)]
    [InlineData("DIRECCIÓN COMERCIAL", true)]
    [InlineData("Office Manager", false)]
    [InlineData("Vice President of Salesforce Admin", false)]
    public void Contact_title_matches_personas_ignoring_case_accents_and_punctuation(string title, bool matches)
    {
        var persona = new ContactTitleCriterion(Keywords: ["director de ventas", "VP Sales"], Patterns: ["^direccion (comercial|de ventas)$"]);

        Assert.Equal(matches, Check(persona, MeetingBuilder.Qualified() with { ContactTitle = title }).Passed);
    }

    [Theory]
    [InlineData(49, false)]
    [InlineData(50, true)]
    [InlineData(500, true)]
    [InlineData(501, false)]
    public void Employee_count_is_a_closed_range(int employees, bool passes)
    {
        var outcome = Check(new EmployeeCountCriterion(50, 500), MeetingBuilder.Qualified() with { EmployeeCount = employees });

        Assert.Equal(passes, outcome.Passed);
        Assert.Equal("50–500", outcome.Expected);
    }

    [Fact]
    public void A_missing_value_fails_and_says_it_was_not_given()
    {
        var outcome = Check(new EmployeeCountCriterion(50), MeetingBuilder.Qualified() with { EmployeeCount = null });

        Assert.Equal(("EMPLOYEE_COUNT_MISSING", "employee count not given (needs at least 50)"), (outcome.ReasonCode, outcome.Explanation));
    }

    [Theory]
    [InlineData("software", true)]
    [InlineData("Hospitality", false)]
    public void Industry_in_a_list_ignores_case(string industry, bool passes)
    {
        Assert.Equal(passes, Check(new IndustryCriterion(In: ["Software"]), MeetingBuilder.Qualified() with { Industry = industry }).Passed);
    }

    [Theory]
    [InlineData("Hospitality", false)]
    [InlineData("Software", true)]
    public void Industry_not_in_a_list_excludes(string industry, bool passes)
    {
        Assert.Equal(passes, Check(new IndustryCriterion(NotIn: ["Hospitality"]), MeetingBuilder.Qualified() with { Industry = industry }).Passed);
    }

    [Fact]
    public void Segment_and_source_match_their_allowed_values()
    {
        var meeting = MeetingBuilder.Qualified() with { Segment = "ENT", Source = LeadSource.Inbound };

        Assert.True(Check(new SegmentCriterion(["MM", "ent"]), meeting).Passed);
        Assert.False(Check(new SourceCriterion(["outbound"]), meeting).Passed);
        Assert.Equal("inbound", Check(new SourceCriterion(["outbound"]), meeting).Observed);
    }

    [Theory]
    [InlineData("ENT", LeadSource.Outbound, "VP Sales", true)]
    [InlineData("SMB", LeadSource.Outbound, "VP Sales", true)]
    [InlineData("SMB", LeadSource.Inbound, "VP Sales", false)]
    [InlineData("SMB", LeadSource.Inbound, "Office Manager", false)]
    public void At_least_n_of_a_group_must_pass(string segment, LeadSource source, string title, bool passes)
    {
        var group = new AtLeastCriterion(2, [new SegmentCriterion(["MM", "ENT"]), new SourceCriterion(["outbound"]), new ContactTitleCriterion(Keywords: ["vp sales"])]);

        Assert.Equal(passes, Check(group, MeetingBuilder.Qualified() with { Segment = segment, Source = source, ContactTitle = title }).Passed);
    }

    [Fact]
    public void Meetings_with_the_same_value_share_one_outcome_and_its_sentence_and_other_values_get_their_own()
    {
        var criteria = new Criterion[]
        {
            new LeadScoreCriterion(["A"]), new EmployeeCountCriterion(50), new IndustryCriterion(In: ["Software"]),
            new ContactTitleCriterion(Keywords: ["vp sales"]), new SegmentCriterion(["ENT"]), new SourceCriterion(["outbound"]),
        };
        var first = MeetingBuilder.Qualified("M-1") with { ContactTitle = "VP Sales", Segment = "ENT", Source = LeadSource.Outbound };
        var second = first with { MeetingId = "M-2", Industry = new string("Software".AsSpan()), ContactTitle = new string("VP Sales".AsSpan()) };
        var other = first with { LeadScore = LeadScore.C, EmployeeCount = 10, Industry = "Retail", ContactTitle = "Intern", Segment = "SMB", Source = LeadSource.Inbound };
        var missing = first with { LeadScore = null, EmployeeCount = null, Industry = null, ContactTitle = null, Segment = null, Source = null };

        foreach (var criterion in criteria)
        {
            var (a, b, c) = (criterion.Evaluate(first), criterion.Evaluate(second), criterion.Evaluate(other));
            Assert.Same(a, b);
            Assert.True(a.Passed, a.Explanation);
            Assert.False(c.Passed, c.Explanation);
            Assert.NotEqual(a.Explanation, c.Explanation);
            Assert.Same(criterion.Evaluate(missing), criterion.Evaluate(missing));
            Assert.Contains("not given", criterion.Evaluate(missing).Explanation, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_criterion_copied_with_other_parts_judges_by_its_own_parts_not_by_the_outcomes_the_original_remembered()
    {
        var strict = new EmployeeCountCriterion(50);
        var meeting = MeetingBuilder.Qualified() with { EmployeeCount = 40, Industry = "Retail" };
        Assert.False(strict.Evaluate(meeting).Passed);
        var industry = new IndustryCriterion(In: ["Software"]);
        Assert.True(industry.Evaluate(meeting with { Industry = "Software" }).Required);

        var loose = strict with { Min = 10 };
        var optional = industry with { Required = false };

        Assert.True(loose.Evaluate(meeting).Passed);
        Assert.Equal("at least 10", loose.Evaluate(meeting).Expected);
        Assert.False(optional.Evaluate(meeting with { Industry = "Software" }).Required);
        Assert.False(strict.Evaluate(meeting).Passed);
    }

    [Fact]
    public void An_optional_criterion_is_shown_but_does_not_block_the_icp_path()
    {
        var path = new IcpPath([new LeadScoreCriterion(["A"]), new ContactTitleCriterion(Keywords: ["cfo"]) { Required = false }]);

        var outcome = path.Evaluate(MeetingBuilder.Qualified() with { ContactTitle = "Intern" }, Samples.Context);

        Assert.True(outcome.Passed);
        Assert.Contains(outcome.Criteria, c => !c.Passed && !c.Required);
    }
}

public sealed class PathTests
{
    private static readonly DateTimeOffset Meeting = DateTimeOffset.Parse("2026-11-12T14:00:00-08:00", System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(0, true, "AE_ACCEPTED_IN_WINDOW")]
    [InlineData(14, true, "AE_ACCEPTED_IN_WINDOW")]
    [InlineData(15, false, "AE_ACCEPTED_TOO_LATE")]
    [InlineData(90, false, "AE_ACCEPTED_TOO_LATE")]
    public void Ae_acceptance_counts_only_within_the_window(int daysAfter, bool passes, string code)
    {
        var meeting = MeetingBuilder.Qualified() with { ScheduledFor = Meeting, AeDecisionAt = Meeting.AddDays(daysAfter) };

        var outcome = new AeAcceptedPath(14).Evaluate(meeting, Samples.Context);

        Assert.Equal((passes, code), (outcome.Passed, outcome.ReasonCode));
    }

    [Fact]
    public void Ae_acceptance_without_a_window_counts_whenever_it_came()
    {
        var meeting = MeetingBuilder.Qualified() with { ScheduledFor = Meeting, AeDecisionAt = Meeting.AddDays(200) };

        Assert.True(new AeAcceptedPath().Evaluate(meeting, Samples.Context).Passed);
    }

    [Fact]
    public void A_pending_or_rejected_meeting_is_not_ae_accepted()
    {
        Assert.False(new AeAcceptedPath().Evaluate(MeetingBuilder.Qualified() with { AeDecision = AeDecision.Pending }, Samples.Context).Passed);
        Assert.False(new AeAcceptedPath().Evaluate(MeetingBuilder.Qualified() with { AeDecision = AeDecision.Rejected }, Samples.Context).Passed);
    }

    [Theory]
    [InlineData("Discovery", "Discovery", true)]
    [InlineData("Demo", "Discovery", true)]
    [InlineData("Discovery", "Demo", false)]
    [InlineData("Closed Won", "Negotiation", true)]
    [InlineData("Negotiation", "Closed Won", false)]
    public void Stage_reached_uses_the_configured_order(string furthest, string threshold, bool passes)
    {
        var meeting = MeetingBuilder.Qualified().WithOpportunity(furthest, 1000m);

        Assert.Equal(passes, new StageReachedPath(threshold).Evaluate(meeting, Samples.Context).Passed);
    }

    [Fact]
    public void A_deal_closed_lost_counts_by_the_furthest_stage_it_reached_not_by_closed_lost()
    {
        var lost = MeetingBuilder.M1042();

        Assert.True(new StageReachedPath("Proposal").Evaluate(lost, Samples.Context).Passed);
        Assert.False(new StageReachedPath("Closed Won").Evaluate(lost, Samples.Context).Passed);
        Assert.False(new StageReachedPath("Discovery").Evaluate(lost with { FurthestStage = null }, Samples.Context).Passed);
    }
}

public sealed class DisqualifierTests
{
    [Theory]
    [InlineData("Not a decision maker", true)]
    [InlineData("not a decision-maker", true)]
    [InlineData("No budget this year", false)]
    public void Ae_rejection_disqualifies_only_for_listed_reasons(string reason, bool disqualified)
    {
        var meeting = MeetingBuilder.Qualified() with { AeDecision = AeDecision.Rejected, RejectionReason = reason };

        var verdict = Samples.Verdict("icp-2026", meeting);

        Assert.Equal(disqualified, verdict.DisqualifiedBy?.Disqualifier == "ae_rejected");
        Assert.Equal(!disqualified, verdict.Qualified);
    }

    [Fact]
    public void A_second_meeting_with_the_same_account_within_the_window_is_a_duplicate_and_the_earlier_one_counts()
    {
        var first = MeetingBuilder.Qualified("M-1").BookedOn("2026-11-02") with { AccountName = "Nimbus Analytics" };
        var second = MeetingBuilder.Qualified("M-2").BookedOn("2026-11-20") with { AccountName = "NIMBUS analytics." };

        var verdicts = Samples.Evaluator().Evaluate([second, first], []).ToDictionary(e => e.Meeting.MeetingId, e => e.Verdict!);

        Assert.True(verdicts["M-1"].Qualified);
        Assert.False(verdicts["M-2"].Qualified);
        Assert.Equal("DUPLICATE_ACCOUNT", verdicts["M-2"].DisqualifiedBy?.ReasonCode);
        Assert.Contains("duplicate of M-1", verdicts["M-2"].Explanation);
    }

    [Fact]
    public void Duplicate_detection_looks_into_the_previous_period()
    {
        var october = MeetingBuilder.Qualified("M-1").BookedOn("2026-10-25") with { AccountName = "Nimbus" };
        var november = MeetingBuilder.Qualified("M-2").BookedOn("2026-11-05") with { AccountName = "Nimbus" };

        var verdict = Samples.Evaluator().Evaluate([november], [october]).Single().Verdict!;

        Assert.Equal("duplicate_account", verdict.DisqualifiedBy?.Disqualifier);
    }

    [Fact]
    public void Meetings_with_the_same_account_further_apart_than_the_window_both_count()
    {
        var first = MeetingBuilder.Qualified("M-1").BookedOn("2026-10-01") with { AccountName = "Nimbus" };
        var second = MeetingBuilder.Qualified("M-2").BookedOn("2026-11-05") with { AccountName = "Nimbus" };

        Assert.True(Samples.Evaluator().Evaluate([second], [first]).Single().Verdict!.Qualified);
    }

    [Fact]
    public void A_cancelled_earlier_meeting_does_not_make_the_next_one_a_duplicate()
    {
        var first = MeetingBuilder.Qualified("M-1").BookedOn("2026-11-02") with { AccountName = "Nimbus", Status = MeetingStatus.Cancelled };
        var second = MeetingBuilder.Qualified("M-2").BookedOn("2026-11-03") with { AccountName = "Nimbus" };

        Assert.True(Samples.Evaluator().Evaluate([first, second], []).Single(e => e.Meeting.MeetingId == "M-2").Verdict!.Qualified);
    }

    [Fact]
    public void A_rescheduled_meeting_does_not_count_until_it_is_held()
    {
        var verdict = Samples.Verdict("meeting-set-2026", MeetingBuilder.Qualified() with { Status = MeetingStatus.Rescheduled });

        Assert.False(verdict.Qualified);
        Assert.Equal("disqualified: the meeting was rescheduled: it counts once, when it is held", verdict.Explanation);
    }

    [Fact]
    public void A_cancelled_meeting_is_disqualified()
    {
        Assert.Equal("cancelled", Samples.Verdict("icp-2026", MeetingBuilder.Qualified() with { Status = MeetingStatus.Cancelled }).DisqualifiedBy?.Disqualifier);
    }
}

public sealed class ExceptionBudgetTests
{
    [Fact]
    public void Exceptions_beyond_the_budget_are_reported_and_do_not_qualify()
    {
        var outside = MeetingBuilder.M1042() with { ExceptionApproved = true, OpportunityId = null, FurthestStage = null };
        var meetings = new[] { "2026-11-02", "2026-11-03", "2026-11-04" }
            .Select((day, i) => outside.BookedOn(day) with { MeetingId = $"M-{i + 1}", AccountName = $"Account {i}" })
            .ToArray();

        var verdicts = Samples.Evaluator(Samples.Ruleset("icp-exceptions-2026")).Evaluate(meetings, []).ToDictionary(e => e.Meeting.MeetingId, e => e.Verdict!);

        Assert.Equal("exception", verdicts["M-1"].By);
        Assert.Equal("exception", verdicts["M-2"].By);
        Assert.False(verdicts["M-3"].Qualified);
        var overBudget = verdicts["M-3"].Paths.Single(p => p.Path == "exception");
        Assert.Equal("EXCEPTION_OVER_BUDGET", overBudget.ReasonCode);
        Assert.Contains("budget of 2 per SDR per period was already used by 2 earlier meeting(s)", overBudget.Explanation);
    }

    [Fact]
    public void A_no_show_with_an_exception_does_not_use_the_budget()
    {
        var outside = MeetingBuilder.M1042() with { ExceptionApproved = true };
        var meetings = new[]
        {
            outside.BookedOn("2026-11-02") with { MeetingId = "M-1", AccountName = "A", Status = MeetingStatus.NoShow },
            outside.BookedOn("2026-11-03") with { MeetingId = "M-2", AccountName = "B" },
            outside.BookedOn("2026-11-04") with { MeetingId = "M-3", AccountName = "C" },
        };

        var verdicts = Samples.Evaluator(Samples.Ruleset("icp-exceptions-2026")).Evaluate(meetings, []).ToDictionary(e => e.Meeting.MeetingId, e => e.Verdict!);

        Assert.True(verdicts["M-2"].Qualified);
        Assert.True(verdicts["M-3"].Qualified);
    }
}

public sealed class RulesetVersionTests
{
    [Fact]
    public void A_ruleset_change_in_the_middle_of_a_month_judges_each_meeting_by_the_version_in_force_on_its_booked_day()
    {
        var strict = Samples.Ruleset("icp-2026");
        var relaxed = strict with
        {
            Version = 2,
            EffectiveFrom = new DateOnly(2026, 11, 15),
            Paths = [.. strict.Paths, new AeAcceptedPath(14)],
        };
        var before = MeetingBuilder.M1042().BookedOn("2026-11-14") with { MeetingId = "M-before", AccountName = "X" };
        var after = MeetingBuilder.M1042().BookedOn("2026-11-15") with { MeetingId = "M-after", AccountName = "Y" };

        var verdicts = Samples.Evaluator(strict, relaxed).Evaluate([before, after], []).ToDictionary(e => e.Meeting.MeetingId, e => e.Verdict!);

        Assert.Equal((false, new DocumentRef("icp-2026", 1)), (verdicts["M-before"].Qualified, verdicts["M-before"].Ruleset));
        Assert.Equal((true, new DocumentRef("icp-2026", 2)), (verdicts["M-after"].Qualified, verdicts["M-after"].Ruleset));
    }

    [Fact]
    public void The_booked_day_is_the_local_day_in_the_company_time_zone()
    {
        var strict = Samples.Ruleset("icp-2026");
        var relaxed = strict with { Version = 2, EffectiveFrom = new DateOnly(2026, 11, 15), Paths = [new MeetingSetPath()] };
        // 2026-11-15T05:00Z is still Nov 14 in Los Angeles.
        var meeting = MeetingBuilder.M1042() with { BookedAt = DateTimeOffset.Parse("2026-11-15T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture) };

        Assert.Equal(1, Samples.Evaluator(strict, relaxed).Evaluate(meeting).Verdict!.Ruleset.Version);
    }

    [Fact]
    public void A_meeting_booked_before_any_version_is_reported_unpriced_not_dropped()
    {
        var late = Samples.Ruleset("icp-2026") with { EffectiveFrom = new DateOnly(2026, 12, 1) };

        var evaluation = Samples.Evaluator(late).Evaluate(MeetingBuilder.M1042());

        Assert.Null(evaluation.Verdict);
        var line = Assert.Single(evaluation.Lines);
        Assert.Equal(("unpriced", 0m), (line.Component, line.Amount.Amount));
        Assert.Contains("ruleset icp-2026, which has no accepted version in force on 2026-11-03", line.Reason);
    }
}

public sealed class MeetingSetTests
{
    [Fact]
    public void A_set_finds_exactly_the_meetings_a_scan_finds_by_normalized_account_and_by_opportunity_in_order_across_both_months()
    {
        // Enough keys that the index's table has collisions; names that differ only in case, accents and punctuation.
        string[] spellings = ["Acme {0}", "ACME {0}", "Ácme, {0}.", "acme-{0}"];
        Meeting MeetingNumber(int i) => MeetingBuilder.Qualified($"M{i}") with
        {
            AccountName = i % 50 == 0 ? "" : string.Format(System.Globalization.CultureInfo.InvariantCulture, spellings[i % 4], i % 700),
            OpportunityId = i % 3 == 0 ? null : $"O-{i % 900}",
        };
        var earlier = Enumerable.Range(0, 1200).Select(MeetingNumber).ToArray();
        var month = Enumerable.Range(1200, 1800).Select(MeetingNumber).ToArray();
        var all = earlier.Concat(month).ToArray();

        var set = new MeetingSet(earlier, month);

        Assert.Equal(all, set);
        foreach (var probe in new[] { "acme 7", "ACME 699", "Ácme 0", "acme 700", "", "Globex" })
        {
            var scan = Normalized.IsEmpty(probe) ? [] : all.Where(m => Normalized.Comparer.Equals(m.AccountName, probe)).ToArray();
            Assert.Equal(scan, Listed(set.WithAccount(probe)));
        }

        foreach (var opportunity in new[] { "O-1", "O-899", "O-450", "O-900", "O-" })
        {
            Assert.Equal(all.Where(m => m.OpportunityId == opportunity).ToArray(), Listed(set.WithOpportunity(opportunity)));
        }
    }

    private static Meeting[] Listed(MeetingSet.Candidates candidates)
    {
        var listed = new List<Meeting>();
        foreach (var meeting in candidates)
        {
            listed.Add(meeting);
        }

        return [.. listed];
    }
}
