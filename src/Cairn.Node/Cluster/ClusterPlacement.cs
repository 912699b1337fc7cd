using Cairn.Cluster.Map;
using Cairn.Placement;

namespace Cairn.Node.Cluster;

/// <summary>
/// Placement over the drives of the cluster map as it is now (of one tier, or all): rendezvous hashing rebuilt whenever
/// the map's drives or nodes change, so a node that joined gets new fragments once it is admitted. The drives of a
/// node still joining (or removed) are left out; those of a down node stay, as before (the writer skips drives that
/// are not online, and repair moves what they held). Draining drives (or a draining node's) keep their failure domain
/// but are never chosen while the others can hold the code: the mover is emptying them.
/// </summary>
public sealed class ClusterPlacement(Func<ClusterMap> map, string? tier, int protectionLevel) : IPlacement
{
    private (IReadOnlyList<ClusterDrive> Drives, IReadOnlyList<ClusterNode> Nodes, RendezvousPlacement Placement, IReadOnlySet<string> Draining)? cached;

    private (RendezvousPlacement Placement, IReadOnlySet<string> Draining) Current
    {
        get
        {
            var now = map();
            if (cached is { } c && ReferenceEquals(c.Drives, now.Drives) && ReferenceEquals(c.Nodes, now.Nodes)) return (c.Placement, c.Draining);
            var drives = now.Drives.Where(d => (tier is null || d.Tier == tier) && now.Node(d.NodeId)?.State is not (null or NodeState.Joining or NodeState.Removed)).ToArray();
            var placement = new RendezvousPlacement(drives.Select(d => d.ToPlacement()).ToArray(), protectionLevel);
            var draining = drives.Where(d => IsDraining(now, d)).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
            cached = (now.Drives, now.Nodes, placement, draining);
            return (placement, draining);
        }
    }

    /// <summary>Whether the map has the drive, or its node, draining.</summary>
    public static bool IsDraining(ClusterMap map, ClusterDrive drive) =>
        drive.State == DriveState.Draining || map.Node(drive.NodeId)?.State == NodeState.Draining;

    public IReadOnlyList<string> Place(string blobId, int dataFragments, int parityFragments, IReadOnlySet<string>? exclude = null)
    {
        var (placement, draining) = Current;
        if (draining.Count > 0)
        {
            try
            {
                return placement.Place(blobId, dataFragments, parityFragments, Union(exclude, draining));
            }
            catch (PlacementException)
            {
                // Without the draining drives the code does not fit: writing on them beats refusing the write.
            }
        }
        return placement.Place(blobId, dataFragments, parityFragments, exclude);
    }

    public string? Replacement(string blobId, IReadOnlyCollection<string> kept, int parityFragments, IReadOnlySet<string> unavailable)
    {
        var (placement, draining) = Current;
        return placement.Replacement(blobId, kept, parityFragments, draining.Count == 0 ? unavailable : Union(unavailable, draining));
    }

    public string FailureDomain(string driveId) => Current.Placement.FailureDomain(driveId);

    private static HashSet<string> Union(IReadOnlySet<string>? a, IReadOnlySet<string> b)
    {
        var union = new HashSet<string>(b, StringComparer.Ordinal);
        if (a is not null) union.UnionWith(a);
        return union;
    }
}
