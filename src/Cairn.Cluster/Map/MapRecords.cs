using Cairn.Core.Keys;
using Cairn.Placement;

namespace Cairn.Cluster.Map;

public enum NodeState { Joining, Up, Down, Draining, Removed }

public enum DriveState { Up, Down, Draining, Removed }

/// <summary>
/// A member of the cluster. <paramref name="Domain"/> is its failure-domain path zone/rack/node (the node
/// segment names the machine, so two processes on one host share it). <paramref name="LastHeartbeat"/> is
/// the time carried by the last Heartbeat (or AddNode/Bootstrap) command, never a local clock reading: the node's own
/// clock, which may be off; whether the node is silent is judged by <see cref="Heartbeats"/> instead.
/// </summary>
public sealed record ClusterNode(string Id, string S3Address, string ClusterAddress, string Domain, NodeState State, DateTimeOffset LastHeartbeat)
{
    /// <summary>How many heartbeats of the node the log holds: it moves while the node is alive, whatever its clock says.</summary>
    public long Heartbeats { get; init; }

    /// <summary>
    /// The operator asked the node to leave (<see cref="Meta.DrainNode"/>): it stays draining across a mark-down and the
    /// heartbeat that ends it, so a drain interrupted by a crash goes on when the node returns.
    /// </summary>
    public bool Leaving { get; init; }

    public string Zone => DomainAt(0);
    public string Rack => DomainAt(1);

    /// <summary>The node's domain at a level (0 zone, 1 rack, 2 node), as a path prefix.</summary>
    public string DomainAt(int level) => string.Join('/', Domain.Split('/').Take(level + 1));
}

/// <summary>A drive of a node; <paramref name="Domain"/> is its full failure-domain path zone/rack/node/drive.</summary>
public sealed record ClusterDrive(string Id, string NodeId, string Domain, double Weight, string Tier, DriveState State)
{
    public DriveEntry ToPlacement() => new(Id, Domain, Weight);
}

/// <summary>
/// A range of the object key space, [<paramref name="Start"/>, <paramref name="End"/>) over
/// <see cref="RangeKeys"/> points (null end = +∞), served by the Raft group <paramref name="GroupId"/> whose
/// replicas run on <paramref name="Members"/>. <paramref name="Generation"/> grows whenever the descriptor
/// changes, so a request routed with a stale descriptor can be told so.
/// </summary>
public sealed record RangeDescriptor(long GroupId, byte[] Start, byte[]? End, IReadOnlyList<string> Members, long Generation)
{
    public bool Contains(ReadOnlySpan<byte> point) =>
        RangeKeys.Compare(Start, point) <= 0 && (End is null || RangeKeys.Compare(point, End) < 0);

    /// <summary>Strictly inside: a point that would leave both halves of a split non-empty.</summary>
    public bool StrictlyInside(ReadOnlySpan<byte> point) => RangeKeys.Compare(Start, point) < 0 && Contains(point);

    /// <summary>
    /// The group this range took in at its last merge, and where that group's keys start: each member node keeps running
    /// its replica of that group until its replica of this range has taken the group's rows (its store's span covers
    /// <see cref="MergedRange.Start"/>), then deletes it.
    /// </summary>
    public MergedRange? Merged { get; init; }

    /// <summary>
    /// An operator split the key space at <see cref="Start"/>: the merger of small cold ranges never merges this range
    /// into its left neighbour (an operator's merge still does), as CockroachDB keeps manual splits.
    /// </summary>
    public bool SplitByOperator { get; init; }

    public override string ToString() => $"g{GroupId}[{RangeKeys.Show(Start)}, {RangeKeys.Show(End)}) gen {Generation} on {string.Join(",", Members)}";
}

/// <summary>A range group merged into the range that records it: its id, and the point its keys started at.</summary>
public sealed record MergedRange(long GroupId, byte[] Start);
