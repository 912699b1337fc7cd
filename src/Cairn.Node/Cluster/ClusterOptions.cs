using Cairn.Cluster.Map;
using Cairn.Consensus;
using Cairn.Transport;

namespace Cairn.Node.Cluster;

/// <summary>
/// How a node takes part in a cluster: its id, its cluster port (node-to-node traffic only, never S3), the
/// cluster addresses of the nodes that bootstrap together, and the shared secret every node-to-node call proves.
/// </summary>
public sealed record ClusterOptions
{
    public required string NodeId { get; init; }

    /// <summary>HOST:PORT of this node's cluster listener (HTTP/2, signed with the cluster secret).</summary>
    public required string ClusterAddress { get; init; }

    /// <summary>
    /// The cluster addresses of every node that bootstraps the cluster, this one included, the same list on each; or, for
    /// a node joining a running cluster, addresses of that cluster's nodes (this one not among them).
    /// </summary>
    public required IReadOnlyList<string> Join { get; init; }

    /// <summary>Whether this node is one of the nodes that bootstrap the cluster (its join list names it) rather than one that joins later.</summary>
    public bool Bootstraps => Join.Contains(ClusterAddress, StringComparer.Ordinal);

    /// <summary>How often a joining node repeats, in its log, the command that admits it.</summary>
    public TimeSpan AdmitReminderInterval { get; init; } = TimeSpan.FromSeconds(30);

    public required ClusterSecret Secret { get; init; }

    /// <summary>
    /// The wire version this node speaks and the versions it accepts from peers: this release's, unless a test plays
    /// another release (<see cref="WireVersion.OverrideVariable"/>).
    /// </summary>
    public WireVersion Wire { get; init; } = WireVersion.Release;

    /// <summary>
    /// The node's wall clock (shifted by <c>--clock-offset</c>): what the meta commands it issues carry as their time.
    /// Timers and elapsed time never read it.
    /// </summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>zone/rack of this node's machine; the node's own id completes its failure-domain path.</summary>
    public string FailureDomain { get; init; } = "zone1/rack1";

    public RangeReplicaOptions Raft { get; init; } = new();

    /// <summary>Deadlines and peer routes of this node's node-to-node connections (HTTP/2 and Raft).</summary>
    public ClusterTransportOptions Transport { get; init; } = new();

    /// <summary>How often this node tells the meta group it is alive.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A node silent this long is marked down and its stripes repaired elsewhere; set when the cluster is bootstrapped.</summary>
    public TimeSpan DownAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Replicas of each range group (Raft members, on nodes in distinct failure domains where the map allows); set when the
    /// cluster is bootstrapped. The other nodes reach a range through its members.
    /// </summary>
    public int RangeReplicas { get; init; } = ClusterMap.DefaultReplicationFactor;

    /// <summary>A range holding more objects than this splits in two at its middle key (0: ranges split only when an operator says so).</summary>
    public long SplitObjects { get; init; } = 250_000;

    /// <summary>
    /// A range applying more commands a second than this (writes: PUT, DELETE, multipart…) over two checks in a row
    /// splits at the median key written lately (0: never by rate). Near what one range leader commits on this machine.
    /// </summary>
    public double SplitRate { get; init; } = 2_500;

    /// <summary>
    /// Two neighbouring ranges on the same members holding together fewer objects than this, both cold, merge (null: a
    /// quarter of <see cref="SplitObjects"/>, well below it so that a merged range does not split again soon; 0: ranges
    /// merge only when an operator says so).
    /// </summary>
    public long? MergeObjects { get; init; }

    public long MergeObjectsLimit => MergeObjects ?? SplitObjects / 4;

    /// <summary>A range is cold when it applies fewer commands a second than this (null: a tenth of <see cref="SplitRate"/>).</summary>
    public double? MergeRate { get; init; }

    public double MergeRateLimit => MergeRate ?? SplitRate / 10;

    /// <summary>How often the owner of the background work looks for ranges to split or merge and splits or merges to finish.</summary>
    public TimeSpan SplitCheckInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a node checks it leads no more ranges than its share, and resigns one if it does.</summary>
    public TimeSpan LeadershipCheckInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a bootstrapping node waits for every other node of <see cref="Join"/> to answer.</summary>
    public TimeSpan BootstrapTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
