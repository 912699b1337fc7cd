using System.Net;

namespace Cairn.Consensus;

/// <summary>
/// Calls to a Raft group from a node that holds no member of it, through the members' cluster endpoints: to the member
/// that answered last, then to the leader a member names, else to the next member, with back-off, until the forwarding
/// deadline. A lost answer is retried on the next member with the same body (commands carry their request id).
/// </summary>
public sealed class GroupMembers(string group, IReadOnlyList<EndPoint> members, RangeForwarding forwarding)
{
    private int preferred;

    public IReadOnlyList<EndPoint> Members => members;

    /// <summary>To the member that answered last, then to the leader a member names, else to the next member, until the deadline.</summary>
    public async Task<byte[]> SendAsync(string route, byte[] body, Func<Exception?, Exception> giveUp, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(forwarding.Options.Deadline, forwarding.Time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        if (members.Count == 0) throw giveUp(null);
        var backoff = forwarding.Options.FirstBackoff;
        var at = Volatile.Read(ref preferred) % members.Count;
        EndPoint? named = null;
        Exception? last = null;
        while (true)
        {
            var target = named ?? members[at];
            named = null;
            try
            {
                var answer = await forwarding.SendAsync(group, target, route, body, bounded.Token).ConfigureAwait(false);
                var index = IndexOf(target);
                if (index >= 0) Volatile.Write(ref preferred, index);
                return answer;
            }
            catch (NotLeaderException e)
            {
                // A member that knows the leader names it; one with no replica here, or no leader, names none.
                last = e;
                named = e.Leader;
                if (named is null) at = (at + 1) % members.Count;
                else continue;
            }
            catch (Exception e) when (e is LeaderUnreachableException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (e is not OperationCanceledException || last is null) last = e;
                at = (at + 1) % members.Count;
            }
            try
            {
                await Task.Delay(backoff, forwarding.Time, bounded.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw giveUp(last);
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, forwarding.Options.MaxBackoff.Ticks));
        }
    }

    private int IndexOf(EndPoint target)
    {
        for (var i = 0; i < members.Count; i++)
            if (string.Equals(members[i].ToString(), target.ToString(), StringComparison.Ordinal)) return i;
        return -1;
    }

}
