using Cairn.Cluster.Map;
using Cairn.Placement;

namespace Cairn.Node.Cluster;

/// <summary>
/// Placement over the drives of the cluster map as it is now (of one tier, or all): rendezvous hashing rebuilt whenever
/// the map's drives change, so a node that joined gets new fragments once its drives are in the map and it is up
/// (the writer skips drives that are not online, as for any placement).
/// </summary>
public sealed class ClusterPlacement(Func<ClusterMap> map, string? tier, int protectionLevel) : IPlacement
{
    private (IReadOnlyList<ClusterDrive> Drives, RendezvousPlacement Placement)? cached;

    private RendezvousPlacement Current
    {
        get
        {
            var drives = map().Drives;
            if (cached is { } c && ReferenceEquals(c.Drives, drives)) return c.Placement;
            var placement = new RendezvousPlacement(drives.Where(d => tier is null || d.Tier == tier).Select(d => d.ToPlacement()).ToArray(), protectionLevel);
            cached = (drives, placement);
            return placement;
        }
    }

    public IReadOnlyList<string> Place(string blobId, int dataFragments, int parityFragments, IReadOnlySet<string>? exclude = null) =>
        Current.Place(blobId, dataFragments, parityFragments, exclude);

    public string? Replacement(string blobId, IReadOnlyCollection<string> kept, int parityFragments, IReadOnlySet<string> unavailable) =>
        Current.Replacement(blobId, kept, parityFragments, unavailable);

    public string FailureDomain(string driveId) => Current.FailureDomain(driveId);
}
