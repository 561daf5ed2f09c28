using System.Collections;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Text;

namespace CompFunctions.Core.Qualification;

/// <summary>
/// The meetings one meeting is judged against (an SDR's month and the month before), indexed once
/// by normalized account name and by opportunity, so each meeting's duplicate and paid-once checks
/// look at its few candidates instead of every other meeting (which made an SDR month quadratic).
/// The checks still apply their full conditions to the candidates.
/// </summary>
public sealed class MeetingSet(IReadOnlyList<Meeting> meetings) : IReadOnlyList<Meeting>
{
    private Dictionary<string, List<Meeting>>? _byAccount;
    private Dictionary<Meeting, string>? _accounts;
    private Dictionary<string, List<Meeting>>? _byOpportunity;

    public Meeting this[int index] => meetings[index];

    public int Count => meetings.Count;

    /// <summary>The meetings whose normalized account name is <paramref name="normalizedAccount"/>.</summary>
    public IReadOnlyList<Meeting> WithAccount(string normalizedAccount) =>
        (_byAccount ??= Index(NormalizedAccounts().GetValueOrDefault)).GetValueOrDefault(normalizedAccount) ?? (IReadOnlyList<Meeting>)[];

    /// <summary>The normalized account name of a meeting of the set (normalized once for the set), or null for a meeting not in it.</summary>
    public string? NormalizedAccountOf(Meeting meeting) => NormalizedAccounts().GetValueOrDefault(meeting);

    /// <summary>The meetings that carry opportunity <paramref name="opportunityId"/>.</summary>
    public IReadOnlyList<Meeting> WithOpportunity(string opportunityId) =>
        (_byOpportunity ??= Index(m => m.OpportunityId)).GetValueOrDefault(opportunityId) ?? (IReadOnlyList<Meeting>)[];

    /// <summary>Candidates with the same account: the index when <paramref name="others"/> is a <see cref="MeetingSet"/>, else all of them.</summary>
    public static IReadOnlyList<Meeting> SameAccount(IReadOnlyList<Meeting> others, string normalizedAccount) =>
        others is MeetingSet set ? set.WithAccount(normalizedAccount) : others;

    /// <summary>Candidates with the same opportunity: the index when <paramref name="others"/> is a <see cref="MeetingSet"/>, else all of them.</summary>
    public static IReadOnlyList<Meeting> SameOpportunity(IReadOnlyList<Meeting> others, string opportunityId) =>
        others is MeetingSet set ? set.WithOpportunity(opportunityId) : others;

    public IEnumerator<Meeting> GetEnumerator() => meetings.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Dictionary<Meeting, string> NormalizedAccounts()
    {
        if (_accounts is null)
        {
            var accounts = new Dictionary<Meeting, string>(meetings.Count, ReferenceEqualityComparer.Instance);
            foreach (var meeting in meetings)
            {
                accounts.TryAdd(meeting, Normalized.Of(meeting.AccountName));
            }

            _accounts = accounts;
        }

        return _accounts;
    }

    private Dictionary<string, List<Meeting>> Index(Func<Meeting, string?> key)
    {
        var index = new Dictionary<string, List<Meeting>>(StringComparer.Ordinal);
        foreach (var meeting in meetings)
        {
            if (key(meeting) is { Length: > 0 } k)
            {
                if (!index.TryGetValue(k, out var list))
                {
                    index[k] = list = [];
                }

                list.Add(meeting);
            }
        }

        return index;
    }
}
