using Cairn.Cluster.Map;

namespace Cairn.Cluster.Meta;

/// <summary>
/// Chooses the nodes of a range group deterministically: one at a time, the candidate that shares the fewest
/// zones, then racks, then machines with those already chosen, ties going to the lowest node id (ordinal).
/// So members land in distinct zones when there are enough zones, else in distinct racks, else on distinct
/// machines, and the same candidates always give the same members.
/// </summary>
public static class MemberChoice
{
    public static IReadOnlyList<ClusterNode> Spread(IEnumerable<ClusterNode> candidates, int count) => Spread(candidates, count, []);

    /// <summary>Up to <paramref name="count"/> more candidates, crowding least the members <paramref name="already"/> chosen and each other.</summary>
    public static IReadOnlyList<ClusterNode> Spread(IEnumerable<ClusterNode> candidates, int count, IEnumerable<ClusterNode> already)
    {
        var left = candidates.OrderBy(n => n.Id, StringComparer.Ordinal).ToList();
        var chosen = already.ToList();
        var added = new List<ClusterNode>(count);
        while (added.Count < count && left.Count > 0)
        {
            var best = left.MinBy(n => Crowding(n, chosen))!;
            chosen.Add(best);
            added.Add(best);
            left.Remove(best);
        }
        return added;
    }

    /// <summary>
    /// The admitted (up) nodes a group of <paramref name="members"/> should add, in order, to reach <paramref name="size"/>
    /// members: the same answer on every node, so the node that joins and the leader that adds it agree.
    /// </summary>
    public static IReadOnlyList<ClusterNode> Additions(ClusterMap map, IReadOnlyList<string> members, int size) =>
        members.Count >= size ? [] : Spread(map.Nodes.Where(n => n.State == NodeState.Up && !members.Contains(n.Id)), size - members.Count,
            members.Select(map.Node).OfType<ClusterNode>());

    /// <summary>How many chosen nodes share the candidate's zone, rack and machine, compared in that order.</summary>
    private static (int Zone, int Rack, int Machine) Crowding(ClusterNode candidate, List<ClusterNode> chosen) => (
        chosen.Count(c => c.Zone == candidate.Zone),
        chosen.Count(c => c.Rack == candidate.Rack),
        chosen.Count(c => c.Domain == candidate.Domain));
}
