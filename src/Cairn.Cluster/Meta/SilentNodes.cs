using Cairn.Cluster.Map;

namespace Cairn.Cluster.Meta;

/// <summary>
/// The meta leader's watch for nodes gone silent: an up node whose heartbeat count (<see cref="ClusterNode.Heartbeats"/>)
/// has not moved for the map's grace, as this node measures elapsed time (monotonic), is due a <see cref="MarkDown"/>
/// fenced by that count. The time a heartbeat carries is the sender's clock and is never compared with this node's: a
/// node whose clock runs minutes behind is not marked down while it heartbeats, and one running ahead is not kept up
/// after it stops. A count first seen starts the watch afresh, so a new leader waits a whole grace before marking anyone down.
/// </summary>
public sealed class SilentNodes(TimeProvider time)
{
    private readonly Dictionary<string, (long Heartbeats, long Since)> watched = new(StringComparer.Ordinal);

    /// <summary>The mark-downs due in <paramref name="map"/> now, each with how long its node has been silent.</summary>
    public IReadOnlyList<(MarkDown Command, TimeSpan Silent)> Due(ClusterMap map)
    {
        var now = time.GetTimestamp();
        var due = new List<(MarkDown, TimeSpan)>();
        foreach (var gone in watched.Keys.Where(id => map.Node(id)?.State is not (NodeState.Up or NodeState.Draining)).ToArray()) watched.Remove(gone);
        foreach (var node in map.Nodes.Where(n => n.State is NodeState.Up or NodeState.Draining))
        {
            if (!watched.TryGetValue(node.Id, out var seen) || seen.Heartbeats != node.Heartbeats)
            {
                watched[node.Id] = (node.Heartbeats, now);
                continue;
            }
            var silent = time.GetElapsedTime(seen.Since, now);
            if (silent > map.HeartbeatGrace) due.Add((new MarkDown(node.Id) { Heartbeats = node.Heartbeats, At = time.GetUtcNow() }, silent));
        }
        return due;
    }

    /// <summary>Drops what was watched (this node no longer leads the meta group): a later leadership starts afresh.</summary>
    public void Forget() => watched.Clear();
}
