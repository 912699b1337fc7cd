using Cairn.Core.Keys;
using Cairn.Placement;

namespace Cairn.Cluster.Map;

/// <summary>
/// What the meta group holds: the nodes, their drives and the range map. Immutable: the meta state machine
/// (<see cref="Meta.MetaStateMachine"/>) makes a new map from the old one and a command. Every list is kept in a
/// canonical order (nodes and drives by id, ordinal; ranges by start), so two maps built by the same commands
/// serialise to the same bytes.
/// </summary>
public sealed record ClusterMap
{
    public static ClusterMap Empty { get; } = new();

    /// <summary>How many replicas a range group gets; set by Bootstrap.</summary>
    public int ReplicationFactor { get; init; } = DefaultReplicationFactor;

    /// <summary>Replicas of each range a new cluster keeps: a quorum of two survives the loss of any one node.</summary>
    public const int DefaultReplicationFactor = 3;

    /// <summary>How long after its last heartbeat (in command time) a node may be marked down; set by Bootstrap.</summary>
    public TimeSpan HeartbeatGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The id the next new range group gets.</summary>
    public long NextGroupId { get; init; } = 1;

    public IReadOnlyList<ClusterNode> Nodes { get; init; } = [];

    /// <summary>
    /// The nodes whose replicas form the meta group, ordered by id: the bootstrapping nodes, then each admitted node
    /// once the meta leader added it. Empty in a map made before it was recorded (the join list is the record then).
    /// </summary>
    public IReadOnlyList<string> MetaMembers { get; init; } = [];
    public IReadOnlyList<ClusterDrive> Drives { get; init; } = [];

    /// <summary>Contiguous and ordered: the first starts at the empty point, each ends where the next starts, the last ends at +∞.</summary>
    public IReadOnlyList<RangeDescriptor> Ranges { get; init; } = [];

    public bool Bootstrapped => Ranges.Count > 0;

    public ClusterNode? Node(string id) => Nodes.FirstOrDefault(n => n.Id == id);

    public ClusterDrive? Drive(string id) => Drives.FirstOrDefault(d => d.Id == id);

    public RangeDescriptor? Group(long groupId) => Ranges.FirstOrDefault(r => r.GroupId == groupId);

    /// <summary>The range owning an object key.</summary>
    public RangeDescriptor RangeFor(string bucket, string key) => RangeAt(RangeKeys.Point(bucket, key));

    /// <summary>The range owning a point: the last range whose start is at or before it (binary search).</summary>
    public RangeDescriptor RangeAt(ReadOnlySpan<byte> point)
    {
        if (!Bootstrapped) throw new InvalidOperationException("The cluster map has no ranges before Bootstrap.");
        int lo = 0, hi = Ranges.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (RangeKeys.Compare(Ranges[mid].Start, point) <= 0) lo = mid;
            else hi = mid - 1;
        }
        return Ranges[lo];
    }

    /// <summary>The ranges holding a bucket's keys, in key order: what a listing of the bucket walks.</summary>
    public IReadOnlyList<RangeDescriptor> RangesOfBucket(string bucket)
    {
        var first = RangeAt(RangeKeys.BucketStart(bucket));
        var end = RangeKeys.BucketEnd(bucket);
        return Ranges
            .SkipWhile(r => r != first)
            .TakeWhile(r => RangeKeys.Compare(r.Start, end) < 0)
            .ToArray();
    }

    /// <summary>
    /// The drives that may receive new fragments: up drives on up nodes (of one tier when given), with
    /// their failure-domain paths and weights, as placement takes them.
    /// </summary>
    public IReadOnlyList<DriveEntry> PlacementMap(string? tier = null) =>
        Drives
            .Where(d => d.State == DriveState.Up && Node(d.NodeId)?.State == NodeState.Up && (tier is null || d.Tier == tier))
            .Select(d => d.ToPlacement())
            .ToArray();
}
