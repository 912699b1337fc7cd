using Cairn.Cluster.Map;

namespace Cairn.Cluster.Meta;

/// <summary>One change of a Raft group's members: add a node, or remove one.</summary>
public abstract record MembershipChange(string NodeId, string Why);

public sealed record AddMember(string NodeId, string Why) : MembershipChange(NodeId, Why);

public sealed record RemoveMember(string NodeId, string Why) : MembershipChange(NodeId, Why);

/// <summary>
/// The next change a group's leader makes to its members, decided from the map alone, so the leader that makes it and
/// the node it adds (which must start a replica first) agree without talking. Changes go one at a time and always add
/// before they remove, so a group never has fewer members than it should while a replica moves:
/// <list type="number">
/// <item>too few members that are staying (a node draining or removed is leaving): add the node <see cref="MemberChoice"/>
/// names among the up nodes;</item>
/// <item>a member leaving, the others enough: remove it;</item>
/// <item>more members than the group's size (a move half done): remove the member whose absence crowds the failure
/// domains least, the most loaded first;</item>
/// <item>otherwise, for a range, balance: when no other range is moving (one balance move in the cluster at a time, the
/// map being the record) and a node holds at least two replicas more than an up node outside the group, add that node
/// if the spread over failure domains stays as good; the most loaded member then goes by rule 3.</item>
/// </list>
/// </summary>
public static class MembershipPlan
{
    /// <summary>The meta group grows onto the up nodes, up to this many members.</summary>
    public const int MetaGroupSize = 5;

    public static MembershipChange? ForRange(ClusterMap map, RangeDescriptor range)
    {
        var change = Repair(map, range.Members, map.ReplicationFactor, Load(map));
        if (change is not null || map.Ranges.Any(r => r.Members.Count > map.ReplicationFactor)) return change;
        return Balance(map, range.Members, Load(map));
    }

    /// <summary>
    /// The meta group's next change. A leaving member goes last, once it holds no range replica: a node outside the meta
    /// group no longer learns the map, and a leaving node serves requests until its replicas have moved.
    /// </summary>
    public static MembershipChange? ForMeta(ClusterMap map)
    {
        if (map.MetaMembers.Count == 0) return null;
        var change = Repair(map, map.MetaMembers, MetaGroupSize, _ => 0);
        return change is RemoveMember remove && map.Ranges.Any(r => r.Members.Contains(remove.NodeId)) ? null : change;
    }

    /// <summary>Whether a node is on its way out: its members are replaced, and it takes no new one.</summary>
    public static bool Leaving(ClusterNode? node) => node is null || node.Leaving || node.State == NodeState.Removed;

    private static MembershipChange? Repair(ClusterMap map, IReadOnlyList<string> members, int size, Func<string, int> load)
    {
        var staying = members.Where(m => !Leaving(map.Node(m))).ToArray();
        if (staying.Length < size && MemberChoice.Additions(map, staying, size).FirstOrDefault(n => !members.Contains(n.Id)) is { } added)
            return new AddMember(added.Id, staying.Length < members.Count ? "replaces a member that is leaving" : "the group has too few members");
        // A leaving member goes once the others are as many as the group can have: its size, or every up node that stays.
        var possible = map.Nodes.Count(n => n.State == NodeState.Up && !Leaving(n));
        if (members.FirstOrDefault(m => Leaving(map.Node(m))) is { } leaving && staying.Length > 0 && staying.Length >= Math.Min(size, possible))
            return new RemoveMember(leaving, "its node is leaving");
        if (members.Count > size)
        {
            var removed = members
                .OrderBy(m => Crowding(map, members.Where(o => o != m)))
                .ThenByDescending(load)
                .ThenByDescending(m => m, StringComparer.Ordinal)
                .First();
            return new RemoveMember(removed, $"the group has more than {size} members");
        }
        return null;
    }

    private static MembershipChange? Balance(ClusterMap map, IReadOnlyList<string> members, Func<string, int> load)
    {
        if (members.Count == 0) return null;
        var busiest = members.OrderByDescending(load).ThenBy(m => m, StringComparer.Ordinal).First();
        var idlest = map.Nodes.Where(n => n.State == NodeState.Up && !n.Leaving && !members.Contains(n.Id))
            .OrderBy(n => load(n.Id)).ThenBy(n => n.Id, StringComparer.Ordinal).FirstOrDefault();
        if (idlest is null || load(busiest) - load(idlest.Id) < 2) return null;
        var swapped = members.Where(m => m != busiest).Append(idlest.Id);
        if (Crowding(map, swapped).CompareTo(Crowding(map, members)) > 0) return null;
        return new AddMember(idlest.Id, $"balance: {busiest} holds {load(busiest)} replicas, {idlest.Id} {load(idlest.Id)}");
    }

    /// <summary>How many replicas of ranges each node holds.</summary>
    private static Func<string, int> Load(ClusterMap map)
    {
        var counts = map.Ranges.SelectMany(r => r.Members).CountBy(m => m).ToDictionary(StringComparer.Ordinal);
        return node => counts.GetValueOrDefault(node);
    }

    /// <summary>Pairs of members sharing a zone, a rack, a machine: lower is a better spread (compared in that order).</summary>
    private static (int Zone, int Rack, int Machine) Crowding(ClusterMap map, IEnumerable<string> members)
    {
        var nodes = members.Select(map.Node).OfType<ClusterNode>().ToArray();
        int Pairs(Func<ClusterNode, string> domain) => nodes.GroupBy(domain).Sum(g => g.Count() * (g.Count() - 1) / 2);
        return (Pairs(n => n.Zone), Pairs(n => n.Rack), Pairs(n => n.Domain));
    }
}
