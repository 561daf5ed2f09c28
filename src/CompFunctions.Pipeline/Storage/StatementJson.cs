using System.Globalization;
using System.Text.Json;
using CompFunctions.Core.Policies;
using CompFunctions.Core.Qualification;
using CompFunctions.Core.Statements;

namespace CompFunctions.Pipeline.Storage;

/// <summary>A meeting's verdict as the evaluation made it, to be written into its statement row.</summary>
public readonly record struct EvaluatedVerdict(string MeetingId, Verdict Verdict);

/// <summary>
/// Writes a statement row's body — <see cref="StatementBody"/>'s JSON, byte for byte what
/// <see cref="StoredJson"/> writes for it — straight from the evaluation's lines and verdicts.
/// </summary>
/// <remarks>
/// Going through <see cref="StoredLine"/>, <see cref="Http.LineDocument"/> and
/// <see cref="Http.VerdictDocument"/> made a dozen objects per meeting only to be serialized once,
/// and the serializer walked them by reflection-shaped metadata: with the collections those objects
/// caused, a third of an evaluation's CPU. The bytes must stay the serializer's (rows are read back
/// with it, and adjustments are booked through it: a statement written either way must have one
/// digest, see <see cref="GzipJson"/>'s fixed blocks): <c>StatementJsonTests</c> compares the two
/// on every statement of a generated night under every sample plan.
/// Property names are the records' (PascalCase), nulls are left out, as <see cref="StoredJson"/>'s options say.
/// </remarks>
public static class StatementJson
{
    private static readonly JsonEncodedText Lines = JsonEncodedText.Encode("Lines");
    private static readonly JsonEncodedText Adjustments = JsonEncodedText.Encode("Adjustments");
    private static readonly JsonEncodedText Verdicts = JsonEncodedText.Encode("Verdicts");
    private static readonly JsonEncodedText Currency = JsonEncodedText.Encode("Currency");
    private static readonly JsonEncodedText Line = JsonEncodedText.Encode("Line");
    private static readonly JsonEncodedText LineId = JsonEncodedText.Encode("LineId");
    private static readonly JsonEncodedText MeetingId = JsonEncodedText.Encode("MeetingId");
    private static readonly JsonEncodedText Kind = JsonEncodedText.Encode("Kind");
    private static readonly JsonEncodedText Component = JsonEncodedText.Encode("Component");
    private static readonly JsonEncodedText Amount = JsonEncodedText.Encode("Amount");
    private static readonly JsonEncodedText Reason = JsonEncodedText.Encode("Reason");
    private static readonly JsonEncodedText ReasonCodes = JsonEncodedText.Encode("ReasonCodes");
    private static readonly JsonEncodedText Qualification = JsonEncodedText.Encode("Qualification");
    private static readonly JsonEncodedText Qualified = JsonEncodedText.Encode("Qualified");
    private static readonly JsonEncodedText By = JsonEncodedText.Encode("By");
    private static readonly JsonEncodedText FailedCriteria = JsonEncodedText.Encode("FailedCriteria");
    private static readonly JsonEncodedText DisqualifiedBy = JsonEncodedText.Encode("DisqualifiedBy");
    private static readonly JsonEncodedText Explanation = JsonEncodedText.Encode("Explanation");
    private static readonly JsonEncodedText Plan = JsonEncodedText.Encode("Plan");
    private static readonly JsonEncodedText Ruleset = JsonEncodedText.Encode("Ruleset");
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("Id");
    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("Version");
    private static readonly JsonEncodedText Source = JsonEncodedText.Encode("Source");
    private static readonly JsonEncodedText Export = JsonEncodedText.Encode("Export");
    private static readonly JsonEncodedText SourceLine = JsonEncodedText.Encode("Line");
    private static readonly JsonEncodedText Adjusts = JsonEncodedText.Encode("Adjusts");
    private static readonly JsonEncodedText Account = JsonEncodedText.Encode("Account");
    private static readonly JsonEncodedText BookedOn = JsonEncodedText.Encode("BookedOn");
    private static readonly JsonEncodedText Verdict = JsonEncodedText.Encode("Verdict");
    private static readonly JsonEncodedText Disqualifier = JsonEncodedText.Encode("Disqualifier");
    private static readonly JsonEncodedText ReasonCode = JsonEncodedText.Encode("ReasonCode");
    private static readonly JsonEncodedText Paths = JsonEncodedText.Encode("Paths");
    private static readonly JsonEncodedText Path = JsonEncodedText.Encode("Path");
    private static readonly JsonEncodedText Passed = JsonEncodedText.Encode("Passed");
    private static readonly JsonEncodedText Criteria = JsonEncodedText.Encode("Criteria");
    private static readonly JsonEncodedText Criterion = JsonEncodedText.Encode("Criterion");
    private static readonly JsonEncodedText Required = JsonEncodedText.Encode("Required");
    private static readonly JsonEncodedText Observed = JsonEncodedText.Encode("Observed");
    private static readonly JsonEncodedText Expected = JsonEncodedText.Encode("Expected");
    private static readonly Dictionary<LineKind, JsonEncodedText> Kinds = Enum.GetValues<LineKind>().ToDictionary(k => k, k => JsonEncodedText.Encode(k.ToString().ToLowerInvariant()));

    /// <summary>
    /// The body of a statement row: its own <paramref name="lines"/> (in line-id order), no
    /// adjustments (they have columns of their own), its <paramref name="verdicts"/> (in meeting-id order).
    /// </summary>
    public static void WriteBody(Stream stream, IReadOnlyList<PayoutLine> lines, IReadOnlyList<EvaluatedVerdict> verdicts)
    {
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteStartArray(Lines);
        foreach (var line in lines)
        {
            WriteLine(w, line);
            FlushEvery(w);
        }

        w.WriteEndArray();
        w.WriteStartArray(Adjustments);
        w.WriteEndArray();
        w.WriteStartArray(Verdicts);
        foreach (var (meetingId, verdict) in verdicts)
        {
            w.WriteStartObject();
            WriteString(w, MeetingId, meetingId);
            w.WritePropertyName(Verdict);
            WriteVerdict(w, verdict);
            w.WriteEndObject();
            FlushEvery(w);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Passes the JSON on in pieces (a writer on a stream otherwise keeps all of it until it is disposed).</summary>
    private static void FlushEvery(Utf8JsonWriter w)
    {
        if (w.BytesPending >= 16 * 1024)
        {
            w.Flush();
        }
    }

    /// <summary>A <see cref="StoredLine"/>: the currency, then the API's line.</summary>
    private static void WriteLine(Utf8JsonWriter w, PayoutLine l)
    {
        w.WriteStartObject();
        w.WriteString(Currency, l.Amount.Currency.Code);
        w.WriteStartObject(Line);
        WriteString(w, LineId, l.LineId);
        WriteString(w, MeetingId, l.MeetingId);
        w.WriteString(Kind, Kinds[l.Kind]);
        WriteString(w, Component, l.Component);
        w.WriteNumber(Amount, l.Amount.Rounded().Amount);
        WriteString(w, Reason, l.Reason);
        WriteStrings(w, ReasonCodes, l.ReasonCodes);
        w.WriteStartObject(Qualification);
        var q = l.Qualification;
        w.WriteBoolean(Qualified, q.Qualified);
        WriteString(w, By, q.By);
        WriteStrings(w, FailedCriteria, q.FailedCriteria);
        WriteString(w, DisqualifiedBy, q.DisqualifiedBy);
        WriteString(w, Explanation, q.Explanation);
        w.WriteEndObject();
        WriteRef(w, Plan, l.Plan);
        WriteRef(w, Ruleset, l.Ruleset);
        w.WriteStartObject(Source);
        WriteString(w, Export, l.Source.Export);
        w.WriteNumber(SourceLine, l.Source.Line);
        w.WriteEndObject();
        WriteString(w, Adjusts, l.Adjusts);
        WriteString(w, Account, l.Account);
        if (l.BookedOn is { } day)
        {
            w.WriteString(BookedOn, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A <see cref="Http.VerdictDocument"/>.</summary>
    private static void WriteVerdict(Utf8JsonWriter w, Verdict v)
    {
        w.WriteStartObject();
        w.WriteBoolean(Qualified, v.Qualified);
        WriteString(w, By, v.By);
        if (v.DisqualifiedBy is { } d)
        {
            w.WriteStartObject(DisqualifiedBy);
            WriteString(w, Disqualifier, d.Disqualifier);
            WriteString(w, ReasonCode, d.ReasonCode);
            WriteString(w, Explanation, d.Explanation);
            w.WriteEndObject();
        }

        WriteStrings(w, FailedCriteria, v.FailedCriteria);
        WriteString(w, Explanation, v.Explanation);
        WriteRef(w, Ruleset, v.Ruleset);
        w.WriteStartArray(Paths);
        foreach (var p in v.Paths)
        {
            w.WriteStartObject();
            WriteString(w, Path, p.Path);
            w.WriteBoolean(Passed, p.Passed);
            WriteString(w, ReasonCode, p.ReasonCode);
            WriteString(w, Explanation, p.Explanation);
            w.WriteStartArray(Criteria);
            foreach (var c in p.Criteria)
            {
                w.WriteStartObject();
                WriteString(w, Criterion, c.Criterion);
                w.WriteBoolean(Passed, c.Passed);
                w.WriteBoolean(Required, c.Required);
                WriteString(w, ReasonCode, c.ReasonCode);
                WriteString(w, Observed, c.Observed);
                WriteString(w, Expected, c.Expected);
                WriteString(w, Explanation, c.Explanation);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteRef(Utf8JsonWriter w, JsonEncodedText name, DocumentRef reference)
    {
        w.WriteStartObject(name);
        WriteString(w, Id, reference.Id);
        w.WriteNumber(Version, reference.Version);
        w.WriteEndObject();
    }

    /// <summary>Left out when null, as the serializer's options say.</summary>
    private static void WriteString(Utf8JsonWriter w, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteStrings(Utf8JsonWriter w, JsonEncodedText name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        w.WriteStartArray(name);
        for (var i = 0; i < values.Count; i++)
        {
            w.WriteStringValue(values[i]);
        }

        w.WriteEndArray();
    }
}
