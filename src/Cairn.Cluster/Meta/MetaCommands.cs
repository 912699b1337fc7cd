using System.Text.Json.Serialization;
using Cairn.Cluster.Map;

namespace Cairn.Cluster.Meta;

/// <summary>
/// One change of the cluster map, as data: serialisable (the meta group's Raft log carries it as bytes) and
/// applied by <see cref="MetaStateMachine.Apply"/>. It carries everything the apply may not take from the node
/// it runs on: <see cref="At"/> is the only clock the apply reads.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "command")]
[JsonDerivedType(typeof(Bootstrap), "bootstrap")]
[JsonDerivedType(typeof(AddNode), "add-node")]
[JsonDerivedType(typeof(AdmitNode), "admit-node")]
[JsonDerivedType(typeof(Heartbeat), "heartbeat")]
[JsonDerivedType(typeof(MarkDown), "mark-down")]
[JsonDerivedType(typeof(AddDrive), "add-drive")]
[JsonDerivedType(typeof(SetDriveState), "set-drive-state")]
[JsonDerivedType(typeof(SplitRange), "split-range")]
[JsonDerivedType(typeof(MergeRanges), "merge-ranges")]
[JsonDerivedType(typeof(MoveReplica), "move-replica")]
[JsonDerivedType(typeof(AddReplica), "add-replica")]
[JsonDerivedType(typeof(AddMetaMember), "add-meta-member")]
[JsonDerivedType(typeof(RemoveReplica), "remove-replica")]
[JsonDerivedType(typeof(RemoveMetaMember), "remove-meta-member")]
[JsonDerivedType(typeof(DrainNode), "drain-node")]
[JsonDerivedType(typeof(RemoveNode), "remove-node")]
public abstract record MetaCommand
{
    /// <summary>When the issuer made the command (for a heartbeat: when the node sent it).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Assigned by the issuer and kept across its retries; dedupe by it comes with replication.</summary>
    public string? RequestId { get; init; }
}

/// <summary>A node as the operator describes it: id, addresses and its failure-domain path zone/rack/node.</summary>
public sealed record NodeSpec(string Id, string S3Address, string ClusterAddress, string Domain);

/// <summary>
/// The first command of a cluster: its first nodes (up, with a heartbeat at <see cref="MetaCommand.At"/>) and
/// one range covering the whole key space, group 1, on <paramref name="ReplicationFactor"/> distinct nodes
/// spread over zones, then racks, then machines (<see cref="MemberChoice"/>).
/// </summary>
public sealed record Bootstrap(IReadOnlyList<NodeSpec> Nodes, int ReplicationFactor = 3, TimeSpan? HeartbeatGrace = null) : MetaCommand;

/// <summary>A new node asks to join: it enters joining, holding nothing until admitted.</summary>
public sealed record AddNode(NodeSpec Node) : MetaCommand;

/// <summary>A joining node becomes up: placement and range groups may use it.</summary>
public sealed record AdmitNode(string NodeId) : MetaCommand;

/// <summary>A node is alive at <see cref="MetaCommand.At"/>; a down node that heartbeats is up again.</summary>
public sealed record Heartbeat(string NodeId) : MetaCommand;

/// <summary>
/// Marks a node down, only when no heartbeat of it came since the detector saw its count at <see cref="Heartbeats"/>
/// (and watched it stay there for the map's grace, by its own elapsed time: <see cref="SilentNodes"/>): a slow or
/// partitioned detector cannot mark down a node whose later heartbeat is already in the log, and no two nodes' clocks
/// are compared. Without <see cref="Heartbeats"/> (a command of an earlier release) the node's last heartbeat time
/// must be older than the grace at <see cref="MetaCommand.At"/>.
/// </summary>
public sealed record MarkDown(string NodeId) : MetaCommand
{
    public long? Heartbeats { get; init; }
}

/// <summary>A drive of a node; its domain defaults to the node's path followed by the drive id.</summary>
public sealed record AddDrive(string DriveId, string NodeId, string? Domain = null, double Weight = 1.0, string Tier = "hot") : MetaCommand;

public sealed record SetDriveState(string DriveId, DriveState State) : MetaCommand;

/// <summary>
/// Splits range group <paramref name="GroupId"/> at the point of (bucket, key), which must lie strictly inside it:
/// the left half keeps the group, the right half gets a new group id and the same members, both get a new
/// generation. With <paramref name="ExpectedGeneration"/> the split is refused if the range changed since.
/// </summary>
public sealed record SplitRange(long GroupId, string Bucket, string Key, long? ExpectedGeneration = null) : MetaCommand
{
    /// <summary>An operator chose the point (`admin cluster split`): the cold-range merger leaves it (see <see cref="RangeDescriptor.SplitByOperator"/>).</summary>
    public bool ByOperator { get; init; }
}

/// <summary>
/// Merges range group <paramref name="RightGroupId"/> into its left neighbour <paramref name="LeftGroupId"/>: the left
/// descriptor then ends where the right ended, and records the right group as merged into it
/// (<see cref="RangeDescriptor.Merged"/>) until the left range's own store has taken the right's rows; the right
/// descriptor is gone. Refused unless the two are adjacent, have the same members (a range on other nodes first needs a
/// replica move) and, when given, are still at the expected generations. The commit point of a merge: the ranges'
/// own commands (SubsumeShard on the right, MergeShard on the left) follow it, and a merge in the map only ever goes forward.
/// </summary>
public sealed record MergeRanges(long LeftGroupId, long RightGroupId, long? ExpectedLeftGeneration = null, long? ExpectedRightGeneration = null) : MetaCommand;

/// <summary>Replaces member <paramref name="Remove"/> of a range group by <paramref name="Add"/>.</summary>
public sealed record MoveReplica(long GroupId, string Remove, string Add, long? ExpectedGeneration = null) : MetaCommand;

/// <summary>
/// Records that up node <paramref name="NodeId"/> now holds a replica of range group <paramref name="GroupId"/>: the
/// group's leader proposes it once the Raft group itself took the node in, so a restart builds the group from the map.
/// </summary>
public sealed record AddReplica(long GroupId, string NodeId, long? ExpectedGeneration = null) : MetaCommand;

/// <summary>Records that up node <paramref name="NodeId"/> is now a member of the meta group (proposed once the Raft group took it in).</summary>
public sealed record AddMetaMember(string NodeId) : MetaCommand;


/// <summary>
/// Records that node <paramref name="NodeId"/> no longer holds a replica of range group <paramref name="GroupId"/>: the
/// group's leader proposes it once the Raft group itself removed the member. Refused when it would leave the group
/// without a member.
/// </summary>
public sealed record RemoveReplica(long GroupId, string NodeId, long? ExpectedGeneration = null) : MetaCommand;

/// <summary>Records that node <paramref name="NodeId"/> left the meta group (proposed once the Raft group removed it).</summary>
public sealed record RemoveMetaMember(string NodeId) : MetaCommand;

/// <summary>
/// The operator asks node <paramref name="NodeId"/> to leave: it becomes draining. New fragments and replicas no longer go
/// to it; its leaderships, range replicas, meta membership and fragments move to the other nodes; it keeps serving
/// meanwhile. Refused when the up nodes left could not hold a range's replicas.
/// </summary>
public sealed record DrainNode(string NodeId) : MetaCommand;

/// <summary>
/// A drained node leaves the map's working set: removed, it holds nothing, heartbeats are refused and its id is not
/// reused. Refused while it is a member of any group (the fragment check is the caller's: the map does not know them).
/// </summary>
public sealed record RemoveNode(string NodeId) : MetaCommand;
