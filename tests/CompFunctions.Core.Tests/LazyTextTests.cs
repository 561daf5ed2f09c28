using System.Globalization;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Plans;
using CompFunctions.Core.Qualification;
using CompFunctions.Core.Statements;
using CompFunctions.Core.Text;
using Xunit;

namespace CompFunctions.Core.Tests;

/// <summary>Reasons formatted when first read read exactly as reasons formatted when made, and records keep comparing by their text.</summary>
public sealed class LazyTextTests
{
    [Fact]
    public void A_lazy_text_is_formatted_with_the_culture_current_when_it_was_made()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("sv-SE");
            var eager = $"{-1.5m} and {-3}";
            var text = LazyText.Of((-1.5m, -3), static p => $"{p.Item1} and {p.Item2}");

            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            Assert.Equal(eager, text.Value);
            Assert.NotEqual(eager, $"{-1.5m} and {-3}");
            Assert.Same(CultureInfo.InvariantCulture, CultureInfo.CurrentCulture);
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void Lines_with_the_same_reason_are_equal_whether_it_was_formatted_lazily_or_given_as_text()
    {
        var line = Samples.Evaluator().Evaluate(MeetingBuilder.Qualified()).Lines[0];
        var given = line with { Reason = string.Concat(line.Reason.AsSpan(0, 3), line.Reason.AsSpan(3)) };

        Assert.Equal(line, given);
        Assert.Equal(line.GetHashCode(), given.GetHashCode());
        Assert.NotEqual(line, line with { Reason = line.Reason + "." });
    }

    [Fact]
    public void A_verdict_explanation_on_a_line_reads_as_the_verdict_explains_itself()
    {
        var evaluation = Samples.Evaluator().Evaluate(MeetingBuilder.M1042());

        Assert.All(evaluation.Lines, l => Assert.Equal(evaluation.Verdict!.Explanation, l.Qualification.Explanation));
        Assert.Equal(evaluation.Verdict!.Explanation, QualificationSummary.From(evaluation.Verdict).Explanation);
    }

    [Fact]
    public void A_criterion_copied_with_other_allowed_values_judges_by_its_own_values()
    {
        var grade = new LeadScoreCriterion(["A"]);
        var meeting = MeetingBuilder.Qualified() with { LeadScore = LeadScore.B };
        Assert.False(grade.Evaluate(meeting).Passed);

        var wider = grade with { Allowed = ["A", "B"] };

        Assert.True(wider.Evaluate(meeting).Passed);
        Assert.Equal("A or B", wider.Evaluate(meeting).Expected);
        Assert.False(grade.Evaluate(meeting).Passed);
        Assert.Equal("A", grade.Evaluate(meeting).Expected);
    }

    [Fact]
    public void A_criterion_that_has_judged_a_meeting_still_equals_one_that_has_not()
    {
        var judged = new SegmentCriterion(["MM", "ENT"]);
        _ = judged.Evaluate(MeetingBuilder.Qualified());
        var fresh = new SegmentCriterion(judged.Allowed);

        Assert.Equal(fresh, judged);
        Assert.Equal(fresh.GetHashCode(), judged.GetHashCode());
    }

    [Theory]
    [InlineData("vp sales", "vp sales", true)]
    [InlineData("svp sales", "vp sales", false)]
    [InlineData("vp sales ops", "vp sales", true)]
    [InlineData("the vp sales", "vp sales", true)]
    [InlineData("vp salesforce", "vp sales", false)]
    [InlineData("vp vp sales", "vp sales", true)]
    [InlineData("cro", "", false)]
    public void Whole_words_are_found_as_the_padded_comparison_found_them(string text, string phrase, bool found)
    {
        Assert.Equal(found, Normalized.ContainsWords(text, phrase));
        Assert.Equal(found, Normalized.ContainsPhrase(text, phrase));
    }

    [Theory]
    [InlineData("VP, Sales", "vp sales")]
    [InlineData("  --Head of  RevOps!! ", "head of revops")]
    [InlineData("Dirección de Ventas", "direccion de ventas")]
    [InlineData("Zoë's Café", "zoe s cafe")]
    [InlineData("acme corp", "acme corp")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    public void Normalizing_ascii_and_accented_text_gives_the_words_rules_compare(string text, string normalized) =>
        Assert.Equal(normalized, Normalized.Of(text));

    [Fact]
    public void Account_names_compare_equal_exactly_when_their_normalized_forms_are_equal()
    {
        string?[] names =
        [
            null, "", "  ", "--", "Acme Corp", "ACME corp.", "acme corp", " Acme  Corp ", "Acme Corp Inc", "AcmeCorp", "Acme Cor",
            "Pérez & Hijos, S.L.", "perez hijos s l", "PEREZ HIJOS S.L.", "Zoë's Café", "zoe s cafe", "Account 000123", "account-000123",
        ];
        foreach (var x in names)
        {
            Assert.Equal(Normalized.Of(x).Length == 0, Normalized.IsEmpty(x));
            foreach (var y in names)
            {
                var equal = Normalized.Of(x) == Normalized.Of(y);
                Assert.Equal(equal, Normalized.Comparer.Equals(x, y));
                if (equal)
                {
                    Assert.Equal(Normalized.Comparer.GetHashCode(x!), Normalized.Comparer.GetHashCode(y!));
                }
            }
        }
    }
}
