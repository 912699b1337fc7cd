using System.Net;
using Cairn.Consensus;
using Cairn.Cluster.Map;
using Cairn.Index.Shards;

namespace Cairn.Node.Cluster;

/// <summary>
/// The range table of a cluster node: the ranges of its copy of the cluster map, each with this node's replica's
/// shard when it is a member (null while the replica of a split's new half has not started), or else a
/// <see cref="RemoteRangeShard"/> over the range's members. The list is rebuilt when the map or the set of started
/// replicas changes; a router waiting for a split to settle is woken then.
/// </summary>
public sealed class ClusterRangeTable(ClusterRuntime cluster) : IRangeTable
{
    private readonly Lock gate = new();
    private (ClusterMap Map, int Version, IReadOnlyList<IndexRange> Ranges)? cached;
    private int version;
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<IndexRange> Ranges
    {
        get
        {
            var map = cluster.Map;
            var v = Volatile.Read(ref version);
            if (cached is { } c && ReferenceEquals(c.Map, map) && c.Version == v) return c.Ranges;
            var ranges = map.Ranges.Select(r =>
            {
                var name = ClusterRuntime.GroupName(r.GroupId);
                IIndexShard? shard = r.Members.Contains(cluster.Options.NodeId)
                    ? cluster.Replica(name)?.Shard
                    : new RemoteRangeShard(name, r.Members.Select(m => (EndPoint)ClusterRuntime.ClusterEndPoint(map.Node(m)!)).ToArray(), cluster.Forwarding);
                return new IndexRange(name, new ShardSpan(r.Start, r.End), shard);
            }).ToArray();
            cached = (map, v, ranges);
            return ranges;
        }
    }

    public async Task WaitForChangeAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        Task signal;
        lock (gate) signal = changed.Task;
        await Task.WhenAny(signal, Task.Delay(patience, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The map or the started replicas changed: rebuild on the next read and wake whoever waits.</summary>
    public void Changed()
    {
        Interlocked.Increment(ref version);
        TaskCompletionSource woken;
        lock (gate)
        {
            woken = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        woken.TrySetResult();
    }
}
