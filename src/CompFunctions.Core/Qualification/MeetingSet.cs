using System.Collections;
using System.Numerics;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Text;

namespace CompFunctions.Core.Qualification;

/// <summary>
/// The meetings one meeting is judged against (an SDR's month and the month before, in that
/// order), indexed once by normalized account name and by opportunity, so each meeting's duplicate
/// and paid-once checks look at its few candidates instead of every other meeting (which made an
/// SDR month quadratic). The checks still apply their full conditions to the candidates. An index
/// is a chain of positions per key (no list per key) whose heads sit in an open-addressed table of
/// positions (no dictionary entries: the keys are read back from the meetings), and account names
/// are compared normalized without making the normalized strings (<see cref="Normalized.Comparer"/>).
/// </summary>
public sealed class MeetingSet : IReadOnlyList<Meeting>
{
    private readonly IReadOnlyList<Meeting> _first;
    private readonly IReadOnlyList<Meeting> _then;
    private Chains? _byAccount;
    private Chains? _byOpportunity;

    public MeetingSet(IReadOnlyList<Meeting> meetings)
        : this([], meetings)
    {
    }

    /// <summary>The meetings of <paramref name="first"/>, then those of <paramref name="then"/> (neither is copied).</summary>
    public MeetingSet(IReadOnlyList<Meeting> first, IReadOnlyList<Meeting> then)
    {
        _first = first;
        _then = then;
    }

    public Meeting this[int index] => index < _first.Count ? _first[index] : _then[index - _first.Count];

    public int Count => _first.Count + _then.Count;

    /// <summary>The meetings whose account name normalizes as <paramref name="accountName"/> does (none for an empty one), in the set's order.</summary>
    public Candidates WithAccount(string? accountName) =>
        (_byAccount ??= new Chains(this, AccountOf, Normalized.Comparer, Count)).Of(accountName);

    /// <summary>The meetings that carry opportunity <paramref name="opportunityId"/>, in the set's order.</summary>
    public Candidates WithOpportunity(string opportunityId) =>
        (_byOpportunity ??= new Chains(this, OpportunityOf, StringComparer.Ordinal, this.Count(m => OpportunityOf(m) is not null))).Of(opportunityId);

    private static readonly Func<Meeting, string?> AccountOf = static m => Normalized.IsEmpty(m.AccountName) ? null : m.AccountName;

    private static readonly Func<Meeting, string?> OpportunityOf = static m => m.OpportunityId is { Length: > 0 } id ? id : null;

    /// <summary>Candidates with the same account: the index when <paramref name="others"/> is a <see cref="MeetingSet"/>, else all of them.</summary>
    public static Candidates SameAccount(IReadOnlyList<Meeting> others, string? accountName) =>
        others is MeetingSet set ? set.WithAccount(accountName) : new Candidates(others, null, 0);

    /// <summary>Candidates with the same opportunity: the index when <paramref name="others"/> is a <see cref="MeetingSet"/>, else all of them.</summary>
    public static Candidates SameOpportunity(IReadOnlyList<Meeting> others, string opportunityId) =>
        others is MeetingSet set ? set.WithOpportunity(opportunityId) : new Candidates(others, null, 0);

    public IEnumerator<Meeting> GetEnumerator() => _first.Concat(_then).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Meetings to look at: a chain of positions in a set, or (without a chain) every meeting of a list.</summary>
    public readonly struct Candidates(IReadOnlyList<Meeting> meetings, int[]? next, int first)
    {
        public Enumerator GetEnumerator() => new(meetings, next, first);

        public struct Enumerator(IReadOnlyList<Meeting> meetings, int[]? next, int first)
        {
            private int _at = -2;

            public readonly Meeting Current => meetings[_at];

            public bool MoveNext()
            {
                _at = next is null ? _at == -2 ? 0 : _at + 1
                    : _at == -2 ? first : next[_at];
                return _at >= 0 && _at < meetings.Count;
            }
        }
    }

    /// <summary>
    /// For each key, the positions of the meetings that have it, in order: the first one, then
    /// <c>next</c> from each to the following one (-1 ends). The first positions sit in a table
    /// probed linearly from the key's hash, at most three quarters full; a slot holds the position
    /// plus one (0 is empty), and the key it stands for is the key of the meeting at that position.
    /// </summary>
    private sealed class Chains
    {
        private readonly MeetingSet _set;
        private readonly Func<Meeting, string?> _key;
        private readonly IEqualityComparer<string?> _comparer;
        private readonly int[] _heads;
        private readonly int[] _next;

        /// <param name="keys">How many meetings have a key at most (the table is made that large at once).</param>
        public Chains(MeetingSet set, Func<Meeting, string?> key, IEqualityComparer<string?> comparer, int keys)
        {
            _set = set;
            _key = key;
            _comparer = comparer;
            _heads = new int[Math.Max(4, (int)BitOperations.RoundUpToPowerOf2((uint)(keys + keys / 3 + 1)))];
            _next = new int[set.Count];

            // From the last meeting back, each becomes its key's head and points at the one that was: chains run in order.
            for (var i = _next.Length - 1; i >= 0; i--)
            {
                if (key(set[i]) is not { } k)
                {
                    _next[i] = -1;
                    continue;
                }

                var slot = SlotOf(k);
                _next[i] = _heads[slot] - 1;
                _heads[slot] = i + 1;
            }
        }

        public Candidates Of(string? key) =>
            new(_set, _next, key is null ? -1 : _heads[SlotOf(key)] - 1);

        /// <summary>The slot that holds <paramref name="key"/>'s first position, or the empty slot where it would go.</summary>
        private int SlotOf(string key)
        {
            var mask = _heads.Length - 1;
            var slot = _comparer.GetHashCode(key) & mask;
            while (_heads[slot] != 0 && !_comparer.Equals(_key(_set[_heads[slot] - 1]), key))
            {
                slot = (slot + 1) & mask;
            }

            return slot;
        }
    }
}
