using Cairn.Core.Keys;
using Cairn.Cluster.Map;

namespace Cairn.Cluster.Meta;

/// <summary>
/// The meta group's one deterministic apply: a new cluster map from the old one and a command. It reads only
/// the map and the command (time is the command's <see cref="MetaCommand.At"/>, never a clock of the node that
/// applies it), so every replica applying the same log holds the same map. A refused command throws
/// <see cref="MetaCommandException"/> and, the map being immutable, changes nothing.
/// </summary>
public static class MetaStateMachine
{
    public static ClusterMap Apply(ClusterMap map, MetaCommand command) => command switch
    {
        Bootstrap c => ApplyBootstrap(map, c),
        AddNode c => ApplyAddNode(map, c),
        AdmitNode c => ApplyAdmitNode(map, c),
        Heartbeat c => ApplyHeartbeat(map, c),
        MarkDown c => ApplyMarkDown(map, c),
        AddDrive c => ApplyAddDrive(map, c),
        SetDriveState c => ApplySetDriveState(map, c),
        SplitRange c => ApplySplit(map, c),
        MergeRanges c => ApplyMerge(map, c),
        MoveReplica c => ApplyMove(map, c),
        AddReplica c => ApplyAddReplica(map, c),
        AddMetaMember c => ApplyAddMetaMember(map, c),
        RemoveReplica c => ApplyRemoveReplica(map, c),
        RemoveMetaMember c => ApplyRemoveMetaMember(map, c),
        DrainNode c => ApplyDrainNode(map, c),
        RemoveNode c => ApplyRemoveNode(map, c),
        _ => throw new MetaCommandException(MetaError.InvalidArgument, $"Unknown meta command {command.GetType().Name}."),
    };

    /// <summary>Applies a log of commands in order.</summary>
    public static ClusterMap ApplyAll(ClusterMap map, IEnumerable<MetaCommand> commands) => commands.Aggregate(map, Apply);

    private static ClusterMap ApplyBootstrap(ClusterMap map, Bootstrap c)
    {
        if (map.Bootstrapped || map.Nodes.Count > 0) throw Refuse(MetaError.AlreadyBootstrapped, "The cluster is already bootstrapped.");
        if (c.Nodes.Count == 0) throw Refuse(MetaError.InvalidArgument, "Bootstrap needs at least one node.");
        if (c.ReplicationFactor < 1) throw Refuse(MetaError.InvalidArgument, "The replication factor must be at least 1.");
        if (c.HeartbeatGrace is { } g && g <= TimeSpan.Zero) throw Refuse(MetaError.InvalidArgument, "The heartbeat grace must be positive.");
        foreach (var spec in c.Nodes) Validate(spec);
        if (c.Nodes.Select(n => n.Id).Distinct().Count() != c.Nodes.Count) throw Refuse(MetaError.NodeExists, "Bootstrap names a node twice.");

        var nodes = c.Nodes.Select(s => new ClusterNode(s.Id, s.S3Address, s.ClusterAddress, s.Domain, NodeState.Up, c.At)).OrderBy(n => n.Id, StringComparer.Ordinal).ToArray();
        var members = MemberChoice.Spread(nodes, c.ReplicationFactor).Select(n => n.Id).ToArray();
        return map with
        {
            ReplicationFactor = c.ReplicationFactor,
            HeartbeatGrace = c.HeartbeatGrace ?? map.HeartbeatGrace,
            Nodes = nodes,
            MetaMembers = nodes.Select(n => n.Id).ToArray(),
            Ranges = [new RangeDescriptor(map.NextGroupId, [], null, members, 1)],
            NextGroupId = map.NextGroupId + 1,
        };
    }

    private static ClusterMap ApplyAddNode(ClusterMap map, AddNode c)
    {
        RequireBootstrapped(map);
        Validate(c.Node);
        if (map.Node(c.Node.Id) is not null) throw Refuse(MetaError.NodeExists, $"Node {c.Node.Id} is already in the map.");
        return WithNode(map, new ClusterNode(c.Node.Id, c.Node.S3Address, c.Node.ClusterAddress, c.Node.Domain, NodeState.Joining, c.At));
    }

    private static ClusterMap ApplyAdmitNode(ClusterMap map, AdmitNode c)
    {
        var node = RequireNode(map, c.NodeId);
        if (node.State != NodeState.Joining) throw Refuse(MetaError.InvalidNodeState, $"Node {node.Id} is {node.State}, not joining.");
        return WithNode(map, node with { State = NodeState.Up });
    }

    private static ClusterMap ApplyHeartbeat(ClusterMap map, Heartbeat c)
    {
        var node = RequireNode(map, c.NodeId);
        if (node.State == NodeState.Removed) throw Refuse(MetaError.InvalidNodeState, $"Node {node.Id} was removed.");
        return WithNode(map, node with
        {
            LastHeartbeat = c.At > node.LastHeartbeat ? c.At : node.LastHeartbeat,
            Heartbeats = node.Heartbeats + 1,
            State = node.State == NodeState.Down ? node.Leaving ? NodeState.Draining : NodeState.Up : node.State,
        });
    }

    private static ClusterMap ApplyMarkDown(ClusterMap map, MarkDown c)
    {
        var node = RequireNode(map, c.NodeId);
        if (node.State is not (NodeState.Up or NodeState.Draining))
            throw Refuse(MetaError.InvalidNodeState, $"Node {node.Id} is {node.State}: only an up or draining node can be marked down.");
        if (c.Heartbeats is { } seen)
        {
            if (node.Heartbeats != seen)
                throw Refuse(MetaError.NodeStillAlive, $"Node {node.Id} heartbeat since the detector saw {seen} heartbeats (now {node.Heartbeats}).");
            return WithNode(map, node with { State = NodeState.Down });
        }
        var silent = c.At - node.LastHeartbeat;
        if (silent < map.HeartbeatGrace)
            throw Refuse(MetaError.NodeStillAlive, $"Node {node.Id} heartbeat {silent} before {c.At:O}, within the grace of {map.HeartbeatGrace}.");
        return WithNode(map, node with { State = NodeState.Down });
    }

    private static ClusterMap ApplyAddDrive(ClusterMap map, AddDrive c)
    {
        var node = RequireNode(map, c.NodeId);
        if (node.State == NodeState.Removed) throw Refuse(MetaError.InvalidNodeState, $"Node {node.Id} was removed.");
        if (string.IsNullOrEmpty(c.DriveId)) throw Refuse(MetaError.InvalidArgument, "A drive needs an id.");
        if (map.Drive(c.DriveId) is not null) throw Refuse(MetaError.DriveExists, $"Drive {c.DriveId} is already in the map.");
        if (!(c.Weight > 0 && double.IsFinite(c.Weight))) throw Refuse(MetaError.InvalidArgument, $"Drive weight {c.Weight} must be positive.");
        if (string.IsNullOrEmpty(c.Tier)) throw Refuse(MetaError.InvalidArgument, "A drive needs a tier.");
        var domain = c.Domain ?? $"{node.Domain}/{c.DriveId}";
        var leaf = domain.StartsWith(node.Domain + "/", StringComparison.Ordinal) ? domain[(node.Domain.Length + 1)..] : "";
        if (leaf.Length == 0 || leaf.Contains('/'))
            throw Refuse(MetaError.InvalidArgument, $"Drive domain '{domain}' must be the node's path '{node.Domain}' followed by one segment.");
        var drive = new ClusterDrive(c.DriveId, node.Id, domain, c.Weight, c.Tier, DriveState.Up);
        return map with { Drives = Upsert(map.Drives, drive, d => d.Id) };
    }

    private static ClusterMap ApplySetDriveState(ClusterMap map, SetDriveState c)
    {
        var drive = map.Drive(c.DriveId) ?? throw Refuse(MetaError.NoSuchDrive, $"No drive {c.DriveId}.");
        if (drive.State == DriveState.Removed) throw Refuse(MetaError.InvalidDriveState, $"Drive {drive.Id} was removed.");
        if (!Enum.IsDefined(c.State)) throw Refuse(MetaError.InvalidArgument, $"Unknown drive state {c.State}.");
        return map with { Drives = Upsert(map.Drives, drive with { State = c.State }, d => d.Id) };
    }

    private static ClusterMap ApplySplit(ClusterMap map, SplitRange c)
    {
        var range = RequireGroup(map, c.GroupId, c.ExpectedGeneration);
        if (string.IsNullOrEmpty(c.Bucket) || c.Bucket.Contains('\0') || c.Key.Contains('\0'))
            throw Refuse(MetaError.InvalidArgument, "A split point needs a bucket and a key without NUL.");
        var point = RangeKeys.Point(c.Bucket, c.Key);
        if (!range.StrictlyInside(point))
            throw Refuse(MetaError.SplitOutsideRange, $"{RangeKeys.Show(point)} is not strictly inside {range}.");

        var left = range with { End = point, Generation = range.Generation + 1 };
        var right = new RangeDescriptor(map.NextGroupId, point, range.End, range.Members, range.Generation + 1) { SplitByOperator = c.ByOperator };
        var ranges = map.Ranges.ToList();
        var at = ranges.IndexOf(range);
        ranges[at] = left;
        ranges.Insert(at + 1, right);
        return map with { Ranges = ranges.ToArray(), NextGroupId = map.NextGroupId + 1 };
    }

    private static ClusterMap ApplyMerge(ClusterMap map, MergeRanges c)
    {
        var left = RequireGroup(map, c.LeftGroupId, c.ExpectedLeftGeneration);
        var right = RequireGroup(map, c.RightGroupId, c.ExpectedRightGeneration);
        var at = map.Ranges.ToList().IndexOf(left);
        if (at + 1 >= map.Ranges.Count || map.Ranges[at + 1].GroupId != right.GroupId)
            throw Refuse(MetaError.NotAdjacent, $"Group {c.RightGroupId} does not start where group {c.LeftGroupId} ends.");
        if (!left.Members.Order(StringComparer.Ordinal).SequenceEqual(right.Members.Order(StringComparer.Ordinal)))
            throw Refuse(MetaError.MembersDiffer,
                $"Groups {c.LeftGroupId} ({string.Join(",", left.Members)}) and {c.RightGroupId} ({string.Join(",", right.Members)}) have different members: move a replica first.");

        var merged = left with
        {
            End = right.End,
            Generation = Math.Max(left.Generation, right.Generation) + 1,
            Merged = new MergedRange(right.GroupId, right.Start),
        };
        var ranges = map.Ranges.ToList();
        ranges[at] = merged;
        ranges.RemoveAt(at + 1);
        return map with { Ranges = ranges.ToArray() };
    }

    private static ClusterMap ApplyMove(ClusterMap map, MoveReplica c)
    {
        var range = RequireGroup(map, c.GroupId, c.ExpectedGeneration);
        if (!range.Members.Contains(c.Remove)) throw Refuse(MetaError.NotAMember, $"Node {c.Remove} is not a member of group {c.GroupId}.");
        if (range.Members.Contains(c.Add)) throw Refuse(MetaError.AlreadyAMember, $"Node {c.Add} is already a member of group {c.GroupId}.");
        var added = RequireNode(map, c.Add);
        if (added.State != NodeState.Up) throw Refuse(MetaError.InvalidNodeState, $"Node {added.Id} is {added.State}, not up.");

        // Two members on one machine are refused whenever the up nodes span enough machines to avoid it.
        var machines = map.Nodes.Where(n => n.State == NodeState.Up).Select(n => n.Domain).Distinct().Count();
        var kept = range.Members.Where(m => m != c.Remove).Select(m => map.Node(m)!);
        if (machines >= range.Members.Count && kept.FirstOrDefault(k => k.Domain == added.Domain) is { } twin)
            throw Refuse(MetaError.FailureDomainConflict, $"Node {added.Id} shares failure domain {added.Domain} with member {twin.Id} of group {c.GroupId}.");

        var members = range.Members.Select(m => m == c.Remove ? c.Add : m).ToArray();
        return WithRange(map, range with { Members = members, Generation = range.Generation + 1 });
    }

    private static ClusterMap ApplyAddReplica(ClusterMap map, AddReplica c)
    {
        var range = RequireGroup(map, c.GroupId, c.ExpectedGeneration);
        if (range.Members.Contains(c.NodeId)) throw Refuse(MetaError.AlreadyAMember, $"Node {c.NodeId} is already a member of group {c.GroupId}.");
        RequireUp(map, c.NodeId);
        var members = range.Members.Append(c.NodeId).ToArray();
        return WithRange(map, range with { Members = members, Generation = range.Generation + 1 });
    }

    private static ClusterMap ApplyAddMetaMember(ClusterMap map, AddMetaMember c)
    {
        RequireUp(map, c.NodeId);
        if (map.MetaMembers.Contains(c.NodeId)) throw Refuse(MetaError.AlreadyAMember, $"Node {c.NodeId} is already a member of the meta group.");
        return map with { MetaMembers = map.MetaMembers.Append(c.NodeId).Order(StringComparer.Ordinal).ToArray() };
    }

    private static ClusterMap ApplyRemoveReplica(ClusterMap map, RemoveReplica c)
    {
        var range = RequireGroup(map, c.GroupId, c.ExpectedGeneration);
        if (!range.Members.Contains(c.NodeId)) throw Refuse(MetaError.NotAMember, $"Node {c.NodeId} is not a member of group {c.GroupId}.");
        if (range.Members.Count == 1) throw Refuse(MetaError.InvalidArgument, $"Node {c.NodeId} is the last member of group {c.GroupId}.");
        return WithRange(map, range with { Members = range.Members.Where(m => m != c.NodeId).ToArray(), Generation = range.Generation + 1 });
    }

    private static ClusterMap ApplyRemoveMetaMember(ClusterMap map, RemoveMetaMember c)
    {
        RequireNode(map, c.NodeId);
        if (!map.MetaMembers.Contains(c.NodeId)) throw Refuse(MetaError.NotAMember, $"Node {c.NodeId} is not a member of the meta group.");
        if (map.MetaMembers.Count == 1) throw Refuse(MetaError.InvalidArgument, $"Node {c.NodeId} is the last member of the meta group.");
        return map with { MetaMembers = map.MetaMembers.Where(m => m != c.NodeId).ToArray() };
    }

    private static ClusterMap ApplyDrainNode(ClusterMap map, DrainNode c)
    {
        var node = RequireNode(map, c.NodeId);
        if (node.State == NodeState.Draining) throw Refuse(MetaError.InvalidNodeState, $"Node {node.Id} is already draining.");
        if (node.State is not (NodeState.Up or NodeState.Down))
            throw Refuse(MetaError.InvalidNodeState, $"Node {node.Id} is {node.State}: only an up or down node can be drained.");
        var staying = map.Nodes.Count(n => n.State == NodeState.Up && n.Id != node.Id);
        if (staying < map.ReplicationFactor)
            throw Refuse(MetaError.InsufficientNodes,
                $"Draining {node.Id} would leave {staying} up node(s) for ranges of {map.ReplicationFactor} replicas: add a node first.");
        return WithNode(map, node with { State = node.State == NodeState.Down ? NodeState.Down : NodeState.Draining, Leaving = true });
    }

    private static ClusterMap ApplyRemoveNode(ClusterMap map, RemoveNode c)
    {
        var node = RequireNode(map, c.NodeId);
        if (!node.Leaving) throw Refuse(MetaError.InvalidNodeState, $"Node {node.Id} is {node.State}: drain it before removing it.");
        if (map.MetaMembers.Contains(node.Id)) throw Refuse(MetaError.StillAMember, $"Node {node.Id} is still a member of the meta group.");
        if (map.Ranges.FirstOrDefault(r => r.Members.Contains(node.Id)) is { } range)
            throw Refuse(MetaError.StillAMember, $"Node {node.Id} still holds a replica of {range}.");
        var drives = map.Drives.Select(d => d.NodeId == node.Id ? d with { State = DriveState.Removed } : d).ToArray();
        return WithNode(map with { Drives = drives }, node with { State = NodeState.Removed });
    }

    /// <summary>Only an admitted node takes a replica: a joining one holds nothing until the operator admits it.</summary>
    private static void RequireUp(ClusterMap map, string nodeId)
    {
        var node = RequireNode(map, nodeId);
        if (node.State != NodeState.Up) throw Refuse(MetaError.InvalidNodeState, $"Node {node.Id} is {node.State}, not up.");
    }

    private static void RequireBootstrapped(ClusterMap map)
    {
        if (!map.Bootstrapped) throw Refuse(MetaError.NotBootstrapped, "The cluster is not bootstrapped.");
    }

    private static ClusterNode RequireNode(ClusterMap map, string id)
    {
        RequireBootstrapped(map);
        return map.Node(id) ?? throw Refuse(MetaError.NoSuchNode, $"No node {id}.");
    }

    private static RangeDescriptor RequireGroup(ClusterMap map, long groupId, long? expectedGeneration)
    {
        RequireBootstrapped(map);
        var range = map.Group(groupId) ?? throw Refuse(MetaError.NoSuchGroup, $"No range group {groupId}.");
        if (expectedGeneration is { } g && g != range.Generation)
            throw Refuse(MetaError.StaleGeneration, $"Group {groupId} is at generation {range.Generation}, not {g}.");
        return range;
    }

    private static void Validate(NodeSpec spec)
    {
        if (string.IsNullOrEmpty(spec.Id)) throw Refuse(MetaError.InvalidArgument, "A node needs an id.");
        var segments = spec.Domain.Split('/');
        if (segments.Length != 3 || segments.Any(string.IsNullOrEmpty))
            throw Refuse(MetaError.InvalidArgument, $"Node {spec.Id}: domain '{spec.Domain}' is not zone/rack/node.");
    }

    private static ClusterMap WithNode(ClusterMap map, ClusterNode node) => map with { Nodes = Upsert(map.Nodes, node, n => n.Id) };

    private static ClusterMap WithRange(ClusterMap map, RangeDescriptor range) =>
        map with { Ranges = map.Ranges.Select(r => r.GroupId == range.GroupId ? range : r).ToArray() };

    /// <summary>Replaces the item with the same id or adds it, keeping the list ordered by id (ordinal).</summary>
    private static T[] Upsert<T>(IReadOnlyList<T> items, T item, Func<T, string> id) =>
        items.Where(i => id(i) != id(item)).Append(item).OrderBy(id, StringComparer.Ordinal).ToArray();

    private static MetaCommandException Refuse(MetaError error, string message) => new(error, message);
}
