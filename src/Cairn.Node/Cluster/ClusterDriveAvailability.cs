using Cairn.Cluster.Map;
using Cairn.Workers;

namespace Cairn.Node.Cluster;

/// <summary>
/// In a cluster a drive is unavailable when the map says so (the drive, or its node, is not up) or when it was
/// offline when last seen: the map is what the whole cluster agreed, the drive's own state is fresher.
/// </summary>
public sealed class ClusterDriveAvailability(ClusterRuntime cluster) : IDriveAvailability
{
    public IReadOnlySet<string> Unavailable()
    {
        var map = cluster.Map;
        var unavailable = map.Drives.Where(d => d.State != DriveState.Up || map.Node(d.NodeId)?.State != NodeState.Up)
            .Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        unavailable.UnionWith(cluster.Drives.Values.Where(d => !d.Stats().Online).Select(d => d.DriveId));
        return unavailable;
    }
}
