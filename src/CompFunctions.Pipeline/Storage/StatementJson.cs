using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
/// <para>
/// The same walk also makes a statement segment's <see cref="Fingerprint"/>: every token the JSON
/// would hold, in order, as bytes (no escaping, no UTF-8, no number formatting) hashed with
/// XxHash128 — a tenth of what writing the JSON costs, so an evaluation can tell which parts of a
/// statement changed without writing the parts that did not. One walk for both means equal
/// fingerprints cannot hide different JSON (a changed field is a changed token). A change to what
/// the walk writes must come with a new statement layout (see <see cref="StatementStore"/>).
/// </para>
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
    /// The body of a statement row (or of one segment of it): its own <paramref name="lines"/> (in
    /// line-id order), no adjustments (they have columns of their own), its <paramref name="verdicts"/> (in meeting-id order).
    /// </summary>
    public static void WriteBody(Utf8JsonWriter w, IReadOnlyList<PayoutLine> lines, IReadOnlyList<EvaluatedVerdict> verdicts)
    {
        var tokens = new JsonTokens(w);
        Walk(ref tokens, lines, verdicts);
    }

    /// <summary>What <see cref="WriteBody"/> would write, hashed without writing it (see the remarks).</summary>
    public static UInt128 Fingerprint(IReadOnlyList<PayoutLine> lines, IReadOnlyList<EvaluatedVerdict> verdicts)
    {
        var bytes = t_tokens ??= new TokenBytes();
        bytes.Used = 0;
        var tokens = new FingerprintTokens(bytes);
        Walk(ref tokens, lines, verdicts);
        return XxHash128.HashToUInt128(bytes.Bytes.AsSpan(0, bytes.Used));
    }

    [ThreadStatic]
    private static TokenBytes? t_tokens;

    private static void Walk<T>(ref T w, IReadOnlyList<PayoutLine> lines, IReadOnlyList<EvaluatedVerdict> verdicts)
        where T : struct, ITokens
    {
        w.StartObject();
        w.StartArray(Lines);
        for (var i = 0; i < lines.Count; i++)
        {
            WriteLine(ref w, lines[i]);
        }

        w.EndArray();
        w.StartArray(Adjustments);
        w.EndArray();
        w.StartArray(Verdicts);
        for (var i = 0; i < verdicts.Count; i++)
        {
            var (meetingId, verdict) = verdicts[i];
            w.StartObject();
            WriteString(ref w, MeetingId, meetingId);
            w.StartObject(Verdict);
            WriteVerdict(ref w, verdict);
            w.EndObject();
            w.EndObject();
        }

        w.EndArray();
        w.EndObject();
    }

    /// <summary>A <see cref="StoredLine"/>: the currency, then the API's line.</summary>
    private static void WriteLine<T>(ref T w, PayoutLine l)
        where T : struct, ITokens
    {
        w.StartObject();
        w.String(Currency, l.Amount.Currency.Code);
        w.StartObject(Line);
        Span<char> id = stackalloc char[256];
        if (l.LineIdLength <= id.Length)
        {
            w.String(LineId, id[..l.CopyLineIdTo(id)]);
        }
        else
        {
            w.String(LineId, l.LineId);
        }

        WriteString(ref w, MeetingId, l.MeetingId);
        w.Kind(Kind, l.Kind);
        WriteString(ref w, Component, l.Component);
        w.Number(Amount, l.Amount.Rounded().Amount);
        WriteString(ref w, Reason, l.Reason);
        WriteStrings(ref w, ReasonCodes, l.ReasonCodes);
        w.StartObject(Qualification);
        var q = l.Qualification;
        w.Boolean(Qualified, q.Qualified);
        WriteString(ref w, By, q.By);
        WriteStrings(ref w, FailedCriteria, q.FailedCriteria);
        WriteString(ref w, DisqualifiedBy, q.DisqualifiedBy);
        WriteString(ref w, Explanation, q.Explanation);
        w.EndObject();
        WriteRef(ref w, Plan, l.Plan);
        WriteRef(ref w, Ruleset, l.Ruleset);
        w.StartObject(Source);
        WriteString(ref w, Export, l.Source.Export);
        w.Number(SourceLine, l.Source.Line);
        w.EndObject();
        WriteString(ref w, Adjusts, l.Adjusts);
        WriteString(ref w, Account, l.Account);
        if (l.BookedOn is { } day)
        {
            w.Day(BookedOn, day);
        }
        else
        {
            w.Absent();
        }

        w.EndObject();
        w.EndObject();
    }

    /// <summary>A <see cref="Http.VerdictDocument"/>.</summary>
    private static void WriteVerdict<T>(ref T w, Verdict v)
        where T : struct, ITokens
    {
        w.Boolean(Qualified, v.Qualified);
        WriteString(ref w, By, v.By);
        if (v.DisqualifiedBy is { } d)
        {
            w.StartObject(DisqualifiedBy);
            WriteString(ref w, Disqualifier, d.Disqualifier);
            WriteString(ref w, ReasonCode, d.ReasonCode);
            WriteString(ref w, Explanation, d.Explanation);
            w.EndObject();
        }
        else
        {
            w.Absent();
        }

        WriteStrings(ref w, FailedCriteria, v.FailedCriteria);
        WriteString(ref w, Explanation, v.Explanation);
        WriteRef(ref w, Ruleset, v.Ruleset);
        w.StartArray(Paths);
        var paths = v.Paths;
        for (var i = 0; i < paths.Count; i++)
        {
            var p = paths[i];
            w.StartObject();
            WriteString(ref w, Path, p.Path);
            w.Boolean(Passed, p.Passed);
            WriteString(ref w, ReasonCode, p.ReasonCode);
            WriteString(ref w, Explanation, p.Explanation);
            w.StartArray(Criteria);
            var criteria = p.Criteria;
            for (var j = 0; j < criteria.Count; j++)
            {
                var c = criteria[j];
                w.StartObject();
                WriteString(ref w, Criterion, c.Criterion);
                w.Boolean(Passed, c.Passed);
                w.Boolean(Required, c.Required);
                WriteString(ref w, ReasonCode, c.ReasonCode);
                WriteString(ref w, Observed, c.Observed);
                WriteString(ref w, Expected, c.Expected);
                WriteString(ref w, Explanation, c.Explanation);
                w.EndObject();
            }

            w.EndArray();
            w.EndObject();
        }

        w.EndArray();
    }

    private static void WriteRef<T>(ref T w, JsonEncodedText name, DocumentRef reference)
        where T : struct, ITokens
    {
        w.StartObject(name);
        WriteString(ref w, Id, reference.Id);
        w.Number(Version, reference.Version);
        w.EndObject();
    }

    /// <summary>Left out when null, as the serializer's options say.</summary>
    private static void WriteString<T>(ref T w, JsonEncodedText name, string? value)
        where T : struct, ITokens
    {
        if (value is not null)
        {
            w.String(name, value);
        }
        else
        {
            w.Absent();
        }
    }

    private static void WriteStrings<T>(ref T w, JsonEncodedText name, IReadOnlyList<string>? values)
        where T : struct, ITokens
    {
        if (values is null)
        {
            w.Absent();
            return;
        }

        w.StartArray(name);
        for (var i = 0; i < values.Count; i++)
        {
            w.StringValue(values[i]);
        }

        w.EndArray();
    }

    /// <summary>What the walk emits; a struct per use, so the JIT compiles the walk once for each without calls through an interface.</summary>
    private interface ITokens
    {
        void StartObject();

        void StartObject(JsonEncodedText name);

        void EndObject();

        void StartArray(JsonEncodedText name);

        void EndArray();

        void String(JsonEncodedText name, ReadOnlySpan<char> value);

        void StringValue(string value);

        void Kind(JsonEncodedText name, LineKind kind);

        void Number(JsonEncodedText name, decimal value);

        void Number(JsonEncodedText name, long value);

        void Boolean(JsonEncodedText name, bool value);

        void Day(JsonEncodedText name, DateOnly day);

        /// <summary>A value left out (null): nothing in JSON, a token of its own in a fingerprint.</summary>
        void Absent();
    }

    private readonly struct JsonTokens(Utf8JsonWriter w) : ITokens
    {
        public void StartObject() => w.WriteStartObject();

        public void StartObject(JsonEncodedText name) => w.WriteStartObject(name);

        public void EndObject() => w.WriteEndObject();

        public void StartArray(JsonEncodedText name) => w.WriteStartArray(name);

        public void EndArray() => w.WriteEndArray();

        public void String(JsonEncodedText name, ReadOnlySpan<char> value) => w.WriteString(name, value);

        public void StringValue(string value) => w.WriteStringValue(value);

        public void Kind(JsonEncodedText name, LineKind kind) => w.WriteString(name, Kinds[kind]);

        public void Number(JsonEncodedText name, decimal value) => w.WriteNumber(name, value);

        public void Number(JsonEncodedText name, long value) => w.WriteNumber(name, value);

        public void Boolean(JsonEncodedText name, bool value) => w.WriteBoolean(name, value);

        public void Day(JsonEncodedText name, DateOnly day) => w.WriteString(name, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

        public void Absent()
        {
        }
    }

    /// <summary>
    /// The tokens as bytes: a tag per token (absent values included), then the value, strings with
    /// their length first. The walk is fixed code, so tags and values say every choice it made —
    /// which values were there, how many items an array had — and two different statements never
    /// give the same bytes; property names need not be repeated.
    /// </summary>
    private readonly struct FingerprintTokens(TokenBytes bytes) : ITokens
    {
        public void StartObject() => bytes.Tag((byte)'{');

        public void StartObject(JsonEncodedText name) => bytes.Tag((byte)'{');

        public void EndObject() => bytes.Tag((byte)'}');

        public void StartArray(JsonEncodedText name) => bytes.Tag((byte)'[');

        public void EndArray() => bytes.Tag((byte)']');

        public void String(JsonEncodedText name, ReadOnlySpan<char> value) => bytes.Text((byte)'s', value);

        public void StringValue(string value) => bytes.Text((byte)'s', value);

        public void Kind(JsonEncodedText name, LineKind kind) => bytes.Int((byte)'k', (int)kind);

        public void Number(JsonEncodedText name, decimal value)
        {
            var span = bytes.Take(17);
            span[0] = (byte)'d';
            decimal.GetBits(value, MemoryMarshal.Cast<byte, int>(span[1..]));
        }

        public void Number(JsonEncodedText name, long value)
        {
            var span = bytes.Take(9);
            span[0] = (byte)'n';
            BinaryPrimitives.WriteInt64LittleEndian(span[1..], value);
        }

        public void Boolean(JsonEncodedText name, bool value) => bytes.Tag(value ? (byte)'t' : (byte)'f');

        public void Day(JsonEncodedText name, DateOnly day) => bytes.Int((byte)'D', day.DayNumber);

        public void Absent() => bytes.Tag((byte)'0');
    }

    /// <summary>A fingerprint's bytes, one buffer per thread, grown as needed and kept.</summary>
    private sealed class TokenBytes
    {
        public byte[] Bytes = new byte[64 * 1024];
        public int Used;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Span<byte> Take(int count)
        {
            if (Used + count > Bytes.Length)
            {
                Grow(count);
            }

            var span = Bytes.AsSpan(Used, count);
            Used += count;
            return span;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Tag(byte tag)
        {
            if (Used < Bytes.Length)
            {
                Bytes[Used++] = tag;
            }
            else
            {
                Take(1)[0] = tag;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Int(byte tag, int value)
        {
            var span = Take(5);
            span[0] = tag;
            BinaryPrimitives.WriteInt32LittleEndian(span[1..], value);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void Grow(int count) => Array.Resize(ref Bytes, Math.Max(Bytes.Length * 2, Used + count));

        public void Text(byte tag, ReadOnlySpan<char> value)
        {
            var chars = MemoryMarshal.AsBytes(value);
            var span = Take(5 + chars.Length);
            span[0] = tag;
            BinaryPrimitives.WriteInt32LittleEndian(span[1..], value.Length);
            chars.CopyTo(span[5..]);
        }
    }
}
