using Cairn.Cluster.Map;
using Cairn.Placement;

namespace Cairn.Node.Cluster;

/// <summary>
/// Placement over the drives of the cluster map as it is now (of one tier, or all): rendezvous hashing rebuilt whenever
/// the map's drives or nodes change, so a node that joined gets new fragments once it is admitted. The drives of a
/// node still joining (or removed) are left out; those of a down node stay, as before (the writer skips drives that
/// are not online, and repair moves what they held).
/// </summary>
public sealed class ClusterPlacement(Func<ClusterMap> map, string? tier, int protectionLevel) : IPlacement
{
    private (IReadOnlyList<ClusterDrive> Drives, IReadOnlyList<ClusterNode> Nodes, RendezvousPlacement Placement)? cached;

    private RendezvousPlacement Current
    {
        get
        {
            var now = map();
            if (cached is { } c && ReferenceEquals(c.Drives, now.Drives) && ReferenceEquals(c.Nodes, now.Nodes)) return c.Placement;
            var placement = new RendezvousPlacement(now.Drives
                .Where(d => (tier is null || d.Tier == tier) && now.Node(d.NodeId)?.State is not (null or NodeState.Joining or NodeState.Removed))
                .Select(d => d.ToPlacement()).ToArray(), protectionLevel);
            cached = (now.Drives, now.Nodes, placement);
            return placement;
        }
    }

    public IReadOnlyList<string> Place(string blobId, int dataFragments, int parityFragments, IReadOnlySet<string>? exclude = null) =>
        Current.Place(blobId, dataFragments, parityFragments, exclude);

    public string? Replacement(string blobId, IReadOnlyCollection<string> kept, int parityFragments, IReadOnlySet<string> unavailable) =>
        Current.Replacement(blobId, kept, parityFragments, unavailable);

    public string FailureDomain(string driveId) => Current.FailureDomain(driveId);
}
