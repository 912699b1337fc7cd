using System.Net;

namespace Cairn.Transport.Raft;

/// <summary>
/// The nodes whose last Raft request went unanswered: dialling one again is refused at once for a short while, so a
/// Raft call to it fails at once instead of hanging. DotNext's candidate counts its votes only once every member has
/// answered or failed, within its voting window (the election timeout, a few hundred ms); a peer that is cut off but
/// not dead — a partition drops packets, nothing refuses or resets — holds its vote past that window, on every
/// attempt, so the majority side of a partition could never elect a leader. With this, the first call that waits past
/// <see cref="Threshold"/> and is given up marks the node; the next votes to it fail at once and count against, as a
/// dead node's do. One attempt still goes through every <see cref="Backoff"/>: any bytes from the node clear the mark.
/// </summary>
internal sealed class UnansweredPeers(TimeProvider time)
{
    /// <summary>
    /// A request given up after waiting this long for its answer marks its node. Longer than a candidate's voting window
    /// (votes it stops waiting for are not the peer's fault), shorter than the Raft request timeout (5 s).
    /// </summary>
    public static readonly TimeSpan Threshold = TimeSpan.FromSeconds(1);

    /// <summary>How long after a mark, or after the last attempt through it, a marked node is not dialled.</summary>
    public static readonly TimeSpan Backoff = TimeSpan.FromSeconds(1);

    private readonly Lock sync = new();
    private readonly Dictionary<IPEndPoint, Silence> silent = [];

    private sealed record Silence(DateTimeOffset NotBefore);

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Whether to dial <paramref name="node"/> now; when not, until when it is not dialled.</summary>
    public bool MayDial(IPEndPoint node, out DateTimeOffset notBefore)
    {
        lock (sync)
        {
            notBefore = default;
            if (!silent.TryGetValue(node, out var silence)) return true;
            var now = Now;
            if (now < silence.NotBefore)
            {
                notBefore = silence.NotBefore;
                return false;
            }
            // This attempt probes the node; others wait for its outcome (or the next backoff) rather than pile up.
            silent[node] = new Silence(now + Backoff);
            return true;
        }
    }

    /// <summary>A connection to the node was given up while a request had waited <paramref name="waited"/> for its answer.</summary>
    public void GaveUp(IPEndPoint node, TimeSpan waited)
    {
        if (waited < Threshold) return;
        lock (sync) silent[node] = new Silence(Now + Backoff);
    }

    /// <summary>The node answered: it is dialled as usual again.</summary>
    public void Heard(IPEndPoint node)
    {
        lock (sync) silent.Remove(node);
    }
}
