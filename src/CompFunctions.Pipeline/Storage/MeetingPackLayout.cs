using System.Buffers;
using System.Buffers.Binary;
using CompFunctions.Core.Meetings;

namespace CompFunctions.Pipeline.Storage;

/// <summary>
/// How a month row's pack of meetings is kept since packs stopped being JSON: a binary layout,
/// gzipped under <see cref="Prefix"/>. Every text — ids, names, enum values by name — is listed
/// once and referred to by number, instants are UTC ticks, amounts the decimal's own bits. JSON
/// named every property of every meeting and spelt every instant out: an evaluation spent ~2 µs a
/// meeting parsing it, on ~600 meetings a month and the month before. Change sets stay JSON
/// (<see cref="MeetingPacks"/>): a few meetings, written once, read until folded in.
/// </summary>
/// <remarks>
/// Layout (little-endian; n = unsigned LEB128 varint; t = a text's number in the list, t? = 0 for
/// none or the number + 1; i = 0 for none or 1 then UTC ticks as 8 bytes): the byte
/// <see cref="Version"/>; n texts, each n bytes of UTF-8; n meetings, each: MeetingId t, SdrId t,
/// AeId t, BookedAt and ScheduledFor ticks (8 each), Status t, AeDecision t, AeDecisionAt i,
/// RejectionReason, AccountName, ContactTitle, Industry t?, EmployeeCount (0 none, 1 then 4
/// bytes), LeadScore, Segment, Source t?, ExceptionApproved (a byte), ExceptionApprovedBy,
/// OpportunityId, OpportunityStage, HighestStage t?, OpportunityAmount (0 none, 1 then 16 bytes:
/// <see cref="decimal.GetBits(decimal)"/>), Currency t?, OpportunityCreatedAt i, ClosedAt i,
/// CloseReason t?, LastModifiedAt i, FurthestStage t?, the source's export t and line (8 bytes).
/// Instants are stored as UTC, as the JSON packs keep them: a meeting reads back equal, at offset zero.
/// </remarks>
internal static class MeetingPackLayout
{
    /// <summary>The properties a pack in this layout is kept under (<c>Packed0</c>, …).</summary>
    public const string Prefix = "Packed";

    public const byte Version = 1;

    private const string What = "A month's meetings pack";

    /// <summary>Writes <paramref name="meetings"/> (in the order given) in this layout.</summary>
    public static void Write(Stream stream, IReadOnlyList<Meeting> meetings)
    {
        var texts = new PackBytes.Texts();
        var body = new ArrayBufferWriter<byte>(meetings.Count * 96 + 16);
        void Text(string text) => PackBytes.WriteCount(body, texts.Number(text));
        void Optional(string? text) => PackBytes.WriteCount(body, texts.NumberOrNone(text));
        void Instant(DateTimeOffset? at)
        {
            if (at is { } value)
            {
                PackBytes.WriteByte(body, 1);
                PackBytes.WriteInt64(body, value.UtcTicks);
            }
            else
            {
                PackBytes.WriteByte(body, 0);
            }
        }

        PackBytes.WriteCount(body, meetings.Count);
        foreach (var m in meetings)
        {
            Text(m.MeetingId);
            Text(m.SdrId);
            Text(m.AeId);
            PackBytes.WriteInt64(body, m.BookedAt.UtcTicks);
            PackBytes.WriteInt64(body, m.ScheduledFor.UtcTicks);
            Text(m.Status.ToString());
            Text(m.AeDecision.ToString());
            Instant(m.AeDecisionAt);
            Optional(m.RejectionReason);
            Optional(m.AccountName);
            Optional(m.ContactTitle);
            Optional(m.Industry);
            if (m.EmployeeCount is { } employees)
            {
                PackBytes.WriteByte(body, 1);
                BinaryPrimitives.WriteInt32LittleEndian(body.GetSpan(4), employees);
                body.Advance(4);
            }
            else
            {
                PackBytes.WriteByte(body, 0);
            }

            Optional(m.LeadScore?.ToString());
            Optional(m.Segment);
            Optional(m.Source?.ToString());
            PackBytes.WriteByte(body, m.ExceptionApproved ? (byte)1 : (byte)0);
            Optional(m.ExceptionApprovedBy);
            Optional(m.OpportunityId);
            Optional(m.OpportunityStage);
            Optional(m.HighestStage);
            if (m.OpportunityAmount is { } amount)
            {
                PackBytes.WriteByte(body, 1);
                decimal.GetBits(amount, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(body.GetSpan(16)[..16]));
                body.Advance(16);
            }
            else
            {
                PackBytes.WriteByte(body, 0);
            }

            Optional(m.Currency);
            Instant(m.OpportunityCreatedAt);
            Instant(m.ClosedAt);
            Optional(m.CloseReason);
            Instant(m.LastModifiedAt);
            Optional(m.FurthestStage);
            Text(m.SourceRef.Export);
            PackBytes.WriteInt64(body, m.SourceRef.Line);
        }

        var head = new ArrayBufferWriter<byte>(4096);
        PackBytes.WriteByte(head, Version);
        texts.WriteTo(head);
        stream.Write(head.WrittenSpan);
        stream.Write(body.WrittenSpan);
    }

    /// <summary>The meetings of a pack in this layout, read to its end.</summary>
    public static Meeting[] Read(Stream pack)
    {
        using var bytes = RentedBytes.ReadAll(pack);
        var reader = new PackBytes.Reader(bytes.Span, What);
        if (reader.Byte() is var version && version != Version)
        {
            throw new InvalidDataException($"{What} is in layout {version}; this version of the app reads layout {Version}.");
        }

        var texts = reader.Texts();
        var statuses = new Names<MeetingStatus>(texts);
        var decisions = new Names<AeDecision>(texts);
        var scores = new Names<LeadScore>(texts);
        var sources = new Names<LeadSource>(texts);
        var meetings = new Meeting[reader.Count()];
        for (var i = 0; i < meetings.Length; i++)
        {
            meetings[i] = new Meeting
            {
                MeetingId = reader.Text(texts),
                SdrId = reader.Text(texts),
                AeId = reader.Text(texts),
                BookedAt = Utc(reader.Int64()),
                ScheduledFor = Utc(reader.Int64()),
                Status = statuses.Of(reader.Count()),
                AeDecision = decisions.Of(reader.Count()),
                AeDecisionAt = Instant(ref reader),
                RejectionReason = reader.TextOrNone(texts),
                AccountName = reader.TextOrNone(texts),
                ContactTitle = reader.TextOrNone(texts),
                Industry = reader.TextOrNone(texts),
                EmployeeCount = reader.Byte() == 0 ? null : BinaryPrimitives.ReadInt32LittleEndian(reader.Bytes(4)),
                LeadScore = reader.Count() is var score and > 0 ? scores.Of(score - 1) : null,
                Segment = reader.TextOrNone(texts),
                Source = reader.Count() is var source and > 0 ? sources.Of(source - 1) : null,
                ExceptionApproved = reader.Byte() != 0,
                ExceptionApprovedBy = reader.TextOrNone(texts),
                OpportunityId = reader.TextOrNone(texts),
                OpportunityStage = reader.TextOrNone(texts),
                HighestStage = reader.TextOrNone(texts),
                OpportunityAmount = reader.Byte() == 0 ? null : new decimal(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(reader.Bytes(16))),
                Currency = reader.TextOrNone(texts),
                OpportunityCreatedAt = Instant(ref reader),
                ClosedAt = Instant(ref reader),
                CloseReason = reader.TextOrNone(texts),
                LastModifiedAt = Instant(ref reader),
                FurthestStage = reader.TextOrNone(texts),
                SourceRef = new SourceRef(reader.Text(texts), reader.Int64()),
            };
        }

        return reader.AtEnd ? meetings : throw new InvalidDataException($"{What} holds more than its {meetings.Length} meetings.");
    }

    private static DateTimeOffset Utc(long ticks) =>
        ticks is >= 0 and <= 3155378975999999999 ? new DateTimeOffset(ticks, TimeSpan.Zero) : throw new InvalidDataException($"{What} holds an instant out of range ({ticks} ticks).");

    private static DateTimeOffset? Instant(ref PackBytes.Reader reader) => reader.Byte() == 0 ? null : Utc(reader.Int64());

    /// <summary>An enum kept by name: each listed text parsed once, when a meeting first names it.</summary>
    private sealed class Names<T>(string[] texts)
        where T : struct, Enum
    {
        private readonly T?[] _parsed = new T?[texts.Length];

        public T Of(int number)
        {
            if (number >= texts.Length)
            {
                throw new InvalidDataException($"{What} refers to text {number} of {texts.Length}.");
            }

            return _parsed[number] ??= Enum.TryParse<T>(texts[number], ignoreCase: false, out var value) && Enum.IsDefined(value)
                ? value
                : throw new InvalidDataException($"{What} holds '{texts[number]}', which is not a {typeof(T).Name}.");
        }
    }
}
