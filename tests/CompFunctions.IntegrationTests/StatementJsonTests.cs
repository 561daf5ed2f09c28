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
/// written one way would not read back the same the other way. A row is cut into segments, each
/// with a fingerprint: a re-evaluation writes only the segments whose fingerprint changed, so a
/// fingerprint must change with anything its segment holds.
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
        var (lines, verdicts, adjustment) = OddStatement();
        AssertSameRow("2026-11|sdr-odd", lines, verdicts, [adjustment]);
    }

    [Fact]
    public async Task A_meeting_that_changed_rewrites_only_its_own_segment_and_the_merged_row_reads_as_the_whole_new_statement()
    {
        var (evaluator, month, earlier) = await BusyMonthAsync();
        var before = StatementStore.Encode(Partition, evaluator.Evaluate("sdr-busy", November, month, earlier), null);
        var held = month.FindIndex(m => m.Status == MeetingStatus.Held);
        var changed = month.ToList();
        changed[held] = changed[held] with { Status = MeetingStatus.NoShow };
        var evaluation = evaluator.Evaluate("sdr-busy", November, changed, earlier);

        var merge = StatementStore.Encode(Partition, evaluation, StatementStore.HeadOf(before.Row));
        var whole = StatementStore.Encode(Partition, evaluation, null);

        var segments = StatementSegments.Parse(before.Row.GetBinary(StatementSegments.Column))!;
        Assert.True(segments.Count >= 16, $"{segments.Count} segments for {month.Count} meetings");
        Assert.True(merge.Merge);
        Assert.Equal(1, merge.SegmentsWritten);
        Assert.Equal(whole.Digest, merge.Digest);
        Assert.NotEqual(before.Digest, merge.Digest);

        // What a merge leaves in the stored row: every property it carries replaces the stored one.
        var merged = new TableEntity(before.Row.PartitionKey, before.Row.RowKey);
        foreach (var row in new[] { before.Row, merge.Row })
        {
            foreach (var key in row.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp")))
            {
                merged[key] = row[key];
            }
        }

        Assert.Equal(Printed(StatementStore.FromRow(whole.Row)), Printed(StatementStore.FromRow(merged)));
        Assert.Equal(StatementStore.FromRow(whole.Row).Summary, StatementStore.FromRow(merged).Summary);
        Assert.NotEqual(StatementStore.FromRow(before.Row).Summary.Net, StatementStore.FromRow(merged).Summary.Net);
    }

    [Fact]
    public async Task Lines_are_written_in_line_id_order_and_verdicts_in_meeting_id_order_whatever_the_meeting_ids_and_period_lines()
    {
        // Meeting ids whose order parts from their lines' order: prefixes of others, the separator
        // inside an id ("m1:a"'s lines come before "m1"'s), chars on either side of ':'.
        string[] ids = ["m1", "m1:a", "m1a", "m10", "m1-", "M1", "m", "m1:", "é1", "m1:a:"];
        var (evaluator, month, earlier) = await BusyMonthAsync();
        var renamed = month.Select((m, i) => i < ids.Length ? m with { MeetingId = ids[i] } : m).Reverse().ToList();
        var evaluation = evaluator.Evaluate("sdr-busy", November, renamed, earlier);
        var some = evaluation.Meetings[^1].Lines[0];
        evaluation = evaluation with { PeriodLines = [some with { LineId = "zz:period" }, some with { LineId = "period:ramp_guarantee" }, some with { LineId = "m1:a@2026-10" }] };

        var encoded = StatementStore.Encode(Partition, evaluation, null);

        var inOrder = StatementStore.Encode(
            Partition,
            evaluation.Lines.OrderBy(l => l.LineId, StringComparer.Ordinal).ToArray(),
            evaluation.Meetings.Where(m => m.Verdict is not null).Select(m => new EvaluatedVerdict(m.Meeting.MeetingId, m.Verdict!)).OrderBy(v => v.MeetingId, StringComparer.Ordinal).ToArray(),
            [],
            null);
        Assert.Equal(inOrder.Digest, encoded.Digest);
        Assert.Equal(Printed(StatementStore.FromRow(inOrder.Row)), Printed(StatementStore.FromRow(encoded.Row)));
        Assert.Equal(
            evaluation.Lines.Select(l => l.LineId).Order(StringComparer.Ordinal),
            StatementStore.FromRow(encoded.Row).Body.Lines.Select(l => l.Line.LineId));
    }

    [Fact]
    public async Task An_evaluation_equal_to_the_stored_statement_is_recognised_without_writing_anything()
    {
        var (evaluator, month, earlier) = await BusyMonthAsync();
        var stored = StatementStore.HeadOf(StatementStore.Encode(Partition, evaluator.Evaluate("sdr-busy", November, month, earlier), null).Row);

        var again = StatementStore.Encode(Partition, evaluator.Evaluate("sdr-busy", November, month, earlier), stored);

        Assert.True(again.SameAsStored);
        Assert.Equal(0, again.SegmentsWritten);
        Assert.DoesNotContain(again.Row.Keys, k => k.StartsWith('S') && k.Contains('_', StringComparison.Ordinal));
    }

    [Fact]
    public void Every_field_a_statement_row_holds_changes_its_segments_fingerprint()
    {
        var (lines, verdicts, _) = OddStatement();
        var original = StatementJson.Fingerprint(lines, verdicts);
        var line = lines[2];
        var verdict = verdicts[0].Verdict;
        var path = verdict.Paths[0];
        var criterion = path.Criteria[0];
        var changedLines = new Dictionary<string, PayoutLine>
        {
            ["line id"] = line with { LineId = line.LineId + "x" },
            ["meeting id"] = line with { MeetingId = line.MeetingId + "x" },
            ["kind"] = line with { Kind = LineKind.Clawback },
            ["component"] = line with { Component = "other" },
            ["amount"] = line with { Amount = new Money(12.36m, line.Amount.Currency) },
            ["currency"] = line with { Amount = new Money(line.Amount.Amount, Currency.USD) },
            ["reason"] = line with { Reason = line.Reason + "." },
            ["reason codes"] = line with { ReasonCodes = [.. line.ReasonCodes, "X"] },
            ["qualified"] = line with { Qualification = line.Qualification with { Qualified = false } },
            ["qualified by"] = line with { Qualification = line.Qualification with { By = "other" } },
            ["failed criteria"] = line with { Qualification = line.Qualification with { FailedCriteria = ["x"] } },
            ["disqualified by"] = line with { Qualification = line.Qualification with { DisqualifiedBy = null } },
            ["qualification explanation"] = line with { Qualification = line.Qualification with { Explanation = "other" } },
            ["plan"] = line with { Plan = new DocumentRef("plan", 4) },
            ["ruleset"] = line with { Ruleset = new DocumentRef("rules2", 1) },
            ["source"] = line with { Source = new SourceRef(line.Source.Export, 43) },
            ["adjusts"] = line with { Adjusts = "x" },
            ["account"] = line with { Account = null },
            ["booked on"] = line with { BookedOn = new DateOnly(2026, 11, 3) },
        };
        var changedVerdicts = new Dictionary<string, Verdict>
        {
            ["qualified"] = verdict with { Qualified = true },
            ["by"] = verdict with { By = "icp" },
            ["disqualified by"] = verdict with { DisqualifiedBy = null },
            ["disqualification's explanation"] = verdict with { DisqualifiedBy = verdict.DisqualifiedBy! with { Explanation = "other" } },
            ["failed criteria"] = verdict with { FailedCriteria = [] },
            ["explanation"] = verdict with { Explanation = "other" },
            ["ruleset"] = verdict with { Ruleset = new DocumentRef("rules", 2) },
            ["path passed"] = verdict with { Paths = [path with { Passed = true }] },
            ["path explanation"] = verdict with { Paths = [path with { Explanation = "other" }] },
            ["criterion required"] = verdict with { Paths = [path with { Criteria = [criterion with { Required = false }] }] },
            ["criterion observed"] = verdict with { Paths = [path with { Criteria = [criterion with { Observed = "other" }] }] },
            ["criterion expected"] = verdict with { Paths = [path with { Criteria = [criterion with { Expected = "other" }] }] },
            ["criterion explanation"] = verdict with { Paths = [path with { Criteria = [criterion with { Explanation = "other" }] }] },
        };

        foreach (var (what, changed) in changedLines)
        {
            Assert.True(original != StatementJson.Fingerprint([lines[0], lines[1], changed], verdicts), $"line {what}");
        }

        foreach (var (what, changed) in changedVerdicts)
        {
            Assert.True(original != StatementJson.Fingerprint(lines, [verdicts[0] with { Verdict = changed }, verdicts[1]]), $"verdict {what}");
        }

        Assert.True(original != StatementJson.Fingerprint([lines[1], lines[0], lines[2]], verdicts), "order");
        Assert.True(original == StatementJson.Fingerprint([.. lines.Select(l => l with { })], verdicts), "the same lines again");
    }

    public static readonly CompPeriod November = new(2026, 11);
    private const string Partition = "2026-11|sdr-busy";

    /// <summary>One SDR with every meeting of a generated 2,000-row night booked in November (~600), under the sample plan.</summary>
    public static async Task<(PeriodEvaluator Evaluator, List<Meeting> Month, List<Meeting> Earlier)> BusyMonthAsync()
    {
        var meetings = (await CsvRows.GeneratedMeetingsAsync(2_000, seed: 12)).Select(m => m with { SdrId = "sdr-busy" }).ToList();
        return (
            new PeriodEvaluator(PolicySetFor("sdr-2026"), Context),
            meetings.Where(m => Context.Calendar.PeriodOf(m.BookedAt) == November).ToList(),
            meetings.Where(m => Context.Calendar.PeriodOf(m.BookedAt) == November.Previous()).ToList());
    }

    /// <summary>Lines and verdicts as the API prints them.</summary>
    private static string Printed(StoredStatement statement) =>
        System.Text.Json.JsonSerializer.Serialize(statement.AllLines().Select(LineDocument.From)) + System.Text.Json.JsonSerializer.Serialize(statement.Body.Verdicts);

    private static (PayoutLine[] Lines, EvaluatedVerdict[] Verdicts, StoredLine Adjustment) OddStatement()
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
        return ([line, bare, full], verdicts, adjustment);
    }

    /// <summary>
    /// The body JSON written straight from the evaluation is the serializer's for the documents
    /// (rows are read back with the serializer); the row written from the documents is the row
    /// written from the evaluation, digest and fingerprints included; and the row reads back as the documents.
    /// </summary>
    private static void AssertSameRow(string partition, PayoutLine[] lines, EvaluatedVerdict[] verdicts, StoredLine[] adjustments)
    {
        var documents = new StatementBody(
            [.. lines.Select(StoredLine.From)],
            adjustments,
            [.. verdicts.Select(v => new StoredVerdict(v.MeetingId, VerdictDocument.From(v.Verdict)))]);
        var json = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(json))
        {
            StatementJson.WriteBody(writer, lines, verdicts);
        }

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(documents with { Adjustments = [] }, StoredJson.Default.StatementBody), Encoding.UTF8.GetString(json.ToArray()));

        var direct = StatementStore.Encode(partition, lines, verdicts, adjustments, null);
        var fromDocuments = StatementStore.Encode(partition, documents);
        Assert.Equal(fromDocuments.Digest, direct.Digest);
        Assert.Equal(
            fromDocuments.Row.Keys.Order(StringComparer.Ordinal).Select(k => $"{k}={Text(fromDocuments.Row[k])}"),
            direct.Row.Keys.Order(StringComparer.Ordinal).Select(k => $"{k}={Text(direct.Row[k])}"));

        var read = StatementStore.FromRow(direct.Row);
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(documents, StoredJson.Default.StatementBody),
            System.Text.Json.JsonSerializer.Serialize(read.Body, StoredJson.Default.StatementBody));
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
