using Cairn.Node.Cluster;
using Prometheus;

namespace Cairn.Node.Metrics;

/// <summary>
/// Each range replica this node holds, labelled by range (g1, g2, …): its Raft term, whether this node leads it, the
/// leader changes it saw, and how far its applied index trails the commit index it knows (the leader's, learned from
/// its heartbeats on a follower).
/// </summary>
public sealed class RaftMetrics(ClusterRuntime cluster, IMetricFactory metrics) : IMetricsSource
{
    private readonly Gauge term = metrics.CreateGauge("cairn_raft_term", "The Raft term this node's replica of the range is in.", ["range"]);
    private readonly Gauge leader = metrics.CreateGauge("cairn_raft_leader", "1 when this node leads the range, else 0.", ["range"]);
    private readonly Gauge hasLeader = metrics.CreateGauge("cairn_raft_has_leader", "1 when this node's replica sees a leader of the range, else 0.", ["range"]);
    private readonly Counter leaderChanges = metrics.CreateCounter("cairn_raft_leader_changes_total", "Leaders of the range this node's replica saw elected, since the replica started.", ["range"]);
    private readonly Gauge commitIndex = metrics.CreateGauge("cairn_raft_commit_index", "The last log index this node's replica knows committed.", ["range"]);
    private readonly Gauge appliedIndex = metrics.CreateGauge("cairn_raft_applied_index", "The last log index applied to this node's replica of the range.", ["range"]);
    private readonly Gauge commitLag = metrics.CreateGauge("cairn_raft_commit_lag_entries", "Committed log entries this node's replica has not applied yet.", ["range"]);

    public void Sample()
    {
        var live = new List<string[]>();
        foreach (var replica in cluster.Replicas)
        {
            var range = replica.Group.Id;
            live.Add([range]);
            term.WithLabels(range).Set(replica.Term);
            leader.WithLabels(range).Set(replica.IsLeader ? 1 : 0);
            hasLeader.WithLabels(range).Set(replica.Leader is null ? 0 : 1);
            leaderChanges.WithLabels(range).IncTo(replica.LeaderChanges);
            var (committed, applied) = (replica.CommitIndex, replica.AppliedIndex);
            commitIndex.WithLabels(range).Set(committed);
            appliedIndex.WithLabels(range).Set(applied);
            commitLag.WithLabels(range).Set(Math.Max(0, committed - applied));
        }
        foreach (var collector in new Collector<Gauge.Child>[] { term, leader, hasLeader, commitIndex, appliedIndex, commitLag }) collector.RemoveAllBut(live);
        leaderChanges.RemoveAllBut(live);
    }
}
