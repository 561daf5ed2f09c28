using System.Collections;
using System.Runtime.InteropServices;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Text;

namespace CompFunctions.Core.Qualification;

/// <summary>
/// The meetings one meeting is judged against (an SDR's month and the month before), indexed once
/// by normalized account name and by opportunity, so each meeting's duplicate and paid-once checks
/// look at its few candidates instead of every other meeting (which made an SDR month quadratic).
/// The checks still apply their full conditions to the candidates. An index is a chain of
/// positions per key (no list per key), and account names are compared normalized without making
/// the normalized strings (<see cref="Normalized.Comparer"/>).
/// </summary>
public sealed class MeetingSet(IReadOnlyList<Meeting> meetings) : IReadOnlyList<Meeting>
{
    private Chains? _byAccount;
    private Chains? _byOpportunity;

    public Meeting this[int index] => meetings[index];

    public int Count => meetings.Count;

    /// <summary>The meetings whose account name normalizes as <paramref name="accountName"/> does (none for an empty one), in the set's order.</summary>
    public Candidates WithAccount(string? accountName) =>
        (_byAccount ??= new Chains(meetings, static m => Normalized.IsEmpty(m.AccountName) ? null : m.AccountName, Normalized.Comparer, meetings.Count)).Of(accountName);

    /// <summary>The meetings that carry opportunity <paramref name="opportunityId"/>, in the set's order.</summary>
    public Candidates WithOpportunity(string opportunityId) =>
        (_byOpportunity ??= new Chains(meetings, OpportunityOf, StringComparer.Ordinal, meetings.Count(m => OpportunityOf(m) is not null))).Of(opportunityId);

    private static readonly Func<Meeting, string?> OpportunityOf = static m => m.OpportunityId is { Length: > 0 } id ? id : null;

    /// <summary>Candidates with the same account: the index when <paramref name="others"/> is a <see cref="MeetingSet"/>, else all of them.</summary>
    public static Candidates SameAccount(IReadOnlyList<Meeting> others, string? accountName) =>
        others is MeetingSet set ? set.WithAccount(accountName) : new Candidates(others, null, 0);

    /// <summary>Candidates with the same opportunity: the index when <paramref name="others"/> is a <see cref="MeetingSet"/>, else all of them.</summary>
    public static Candidates SameOpportunity(IReadOnlyList<Meeting> others, string opportunityId) =>
        others is MeetingSet set ? set.WithOpportunity(opportunityId) : new Candidates(others, null, 0);

    public IEnumerator<Meeting> GetEnumerator() => meetings.GetEnumerator();

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

    /// <summary>For each key, the positions of the meetings that have it, in order: the first one, then <c>next</c> from each to the following one (-1 ends).</summary>
    private sealed class Chains
    {
        private readonly IReadOnlyList<Meeting> _meetings;
        private readonly Dictionary<string, (int First, int Last)> _ends;
        private readonly int[] _next;

        /// <param name="keys">How many meetings have a key at most (the index is made that large at once).</param>
        public Chains(IReadOnlyList<Meeting> meetings, Func<Meeting, string?> key, IEqualityComparer<string?> comparer, int keys)
        {
            _meetings = meetings;
            _ends = new Dictionary<string, (int First, int Last)>(keys, comparer!);
            _next = new int[meetings.Count];
            for (var i = 0; i < meetings.Count; i++)
            {
                _next[i] = -1;
                if (key(meetings[i]) is not { } k)
                {
                    continue;
                }

                ref var ends = ref CollectionsMarshal.GetValueRefOrAddDefault(_ends, k, out var exists);
                if (exists)
                {
                    _next[ends.Last] = i;
                    ends.Last = i;
                }
                else
                {
                    ends = (i, i);
                }
            }
        }

        public Candidates Of(string? key) =>
            new(_meetings, _next, key is not null && _ends.TryGetValue(key, out var ends) ? ends.First : -1);
    }
}
