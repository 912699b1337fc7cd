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
    public static IReadOnlyList<ClusterNode> Spread(IEnumerable<ClusterNode> candidates, int count)
    {
        var left = candidates.OrderBy(n => n.Id, StringComparer.Ordinal).ToList();
        var chosen = new List<ClusterNode>(count);
        while (chosen.Count < count && left.Count > 0)
        {
            var best = left.MinBy(n => Crowding(n, chosen))!;
            chosen.Add(best);
            left.Remove(best);
        }
        return chosen;
    }

    /// <summary>How many chosen nodes share the candidate's zone, rack and machine, compared in that order.</summary>
    private static (int Zone, int Rack, int Machine) Crowding(ClusterNode candidate, List<ClusterNode> chosen) => (
        chosen.Count(c => c.Zone == candidate.Zone),
        chosen.Count(c => c.Rack == candidate.Rack),
        chosen.Count(c => c.Domain == candidate.Domain));
}
