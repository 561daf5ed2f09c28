using System.Text;
using Azure.Data.Tables;
using CompFunctions.Core.Evaluation;
using CompFunctions.Core.Export;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Money;
using CompFunctions.Core.Periods;
using CompFunctions.Core.Plans;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;
using CompFunctions.Core.Statements;
using CompFunctions.LocalHost;
using CompFunctions.Pipeline.Http;
using CompFunctions.Pipeline.Storage;
using Xunit;

namespace CompFunctions.IntegrationTests;

/// <summary>
/// The evaluation writes statement rows straight from its lines and verdicts; booking
/// adjustments and reading rows back go through the documents and the serializer. Both must give
/// the same row, digest included — or every statement would be rewritten once, and a statement
/// written one way would not read back the same the other way.
/// </summary>
public sealed class StatementJsonTests
{
    private static readonly EvaluationContext Context = new(new CompanyCalendar("America/Los_Angeles"), StageOrder.Default);

    [Fact]
    public async Task Every_statement_of_a_generated_night_under_every_sample_plan_is_written_as_the_serializer_writes_its_documents()
    {
        var meetings = await CsvRows.GeneratedMeetingsAsync(2_000, seed: 11);
        var months = meetings.GroupBy(m => (m.SdrId, Period: Context.Calendar.PeriodOf(m.BookedAt))).ToDictionary(g => g.Key, g => g.ToList());
        var statements = 0;
        foreach (var plan in Directory.GetFiles(Path.Combine(RepositoryRoot.Find(), "samples/comp-config/plans"), "*.json"))
        {
            var evaluator = new PeriodEvaluator(PolicySetFor(Path.GetFileNameWithoutExtension(plan)), Context);
            foreach (var ((sdrId, period), month) in months)
            {
                var evaluation = evaluator.Evaluate(sdrId, period, month, months.GetValueOrDefault((sdrId, period.Previous())) ?? []);
                AssertSameRow(
                    $"{period}|{sdrId}",
                    [.. evaluation.Lines.OrderBy(l => l.LineId, StringComparer.Ordinal)],
                    [.. evaluation.Meetings.Where(e => e.Verdict is not null).Select(e => new EvaluatedVerdict(e.Meeting.MeetingId, e.Verdict!)).OrderBy(v => v.MeetingId, StringComparer.Ordinal)],
                    []);
                statements++;
            }
        }

        Assert.True(statements > 100, $"{statements} statements compared");
    }

    [Fact]
    public void Text_that_json_escapes_absent_values_and_booked_adjustments_are_written_as_the_serializer_writes_them()
    {
        var odd = "Zürich <&> “quoted” 'single' +1 \\ / \t 日本 😀";
        var line = new PayoutLine(
            "m-1:base", "m-1", LineKind.Earning, "base", new Money(12.345m, Currency.Parse("EUR")), $"pays {odd}", ["code-a", odd],
            new QualificationSummary(false, null, [odd], null), new DocumentRef("plan", 3), new DocumentRef("rules", 1), new SourceRef(odd, 42), null);
        var bare = line with { LineId = "m-2:base", MeetingId = "m-2", Kind = LineKind.Clawback, Amount = new Money(-5m, Currency.Parse("EUR")), ReasonCodes = [] };
        var full = line with { LineId = "m-3:base", MeetingId = "m-3", Account = odd, BookedOn = new DateOnly(2026, 11, 2), Qualification = new QualificationSummary(true, "icp", [], "no_show", odd) };
        var criterion = new CriterionOutcome("title", false, true, "title_mismatch", odd, "VP, Head", $"title {odd}");
        var verdicts = new[]
        {
            new EvaluatedVerdict("m-1", new Verdict(false, null, new Disqualification("no_show", "no_show", odd), ["title"], [new PathOutcome("icp", false, "icp_failed", "failed", [criterion])], new DocumentRef("rules", 1))),
            new EvaluatedVerdict("m-3", new Verdict(true, "icp", null, [], [new PathOutcome("icp", true, "icp_passed", odd, [criterion with { Passed = true }])], new DocumentRef("rules", 1))),
        };
        var adjustment = StoredLine.From(line with { LineId = "m-0:base@2026-10", Kind = LineKind.Adjustment, Adjusts = "m-0:base" });

        AssertSameRow("2026-11|sdr-odd", [line, bare, full], verdicts, [adjustment]);
    }

    private static void AssertSameRow(string partition, PayoutLine[] lines, EvaluatedVerdict[] verdicts, StoredLine[] adjustments)
    {
        var direct = StatementStore.Encode(partition, lines, verdicts, adjustments);
        var documents = StatementStore.Encode(partition, new StatementBody(
            [.. lines.Select(StoredLine.From)],
            adjustments,
            [.. verdicts.Select(v => new StoredVerdict(v.MeetingId, VerdictDocument.From(v.Verdict)))]));

        Assert.Equal(Json(documents.Row), Json(direct.Row));
        Assert.Equal(documents.Digest, direct.Digest);
        Assert.Equal(
            documents.Row.Keys.Order(StringComparer.Ordinal).Select(k => $"{k}={Text(documents.Row[k])}"),
            direct.Row.Keys.Order(StringComparer.Ordinal).Select(k => $"{k}={Text(direct.Row[k])}"));
    }

    private static string Json(TableEntity row)
    {
        using var json = GzipJson.Open(row)!;
        return new StreamReader(json).ReadToEnd();
    }

    private static string? Text(object? value) => value is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);

    private static PolicySet PolicySetFor(string planId)
    {
        var root = Path.Combine(RepositoryRoot.Find(), "samples/comp-config");
        var plan = PolicyDocuments.ParsePlan(File.ReadAllText(Path.Combine(root, $"plans/{planId}.json")), $"plans/{planId}.json", Context);
        var ruleset = PolicyDocuments.ParseRuleset(File.ReadAllText(Path.Combine(root, $"rulesets/{plan.Ruleset}.json")), $"rulesets/{plan.Ruleset}.json", Context);
        return PolicySet.ForPlan(new PolicyVersions<CompPlan>([plan]), new Dictionary<string, PolicyVersions<Ruleset>> { [plan.Ruleset] = new([ruleset]) });
    }
}
