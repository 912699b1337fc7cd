using Cairn.Cluster.Map;
using Cairn.Workers;

namespace Cairn.Node.Cluster;

/// <summary>
/// In a cluster a drive is unavailable when the map says so (the drive, or its node, is down or removed, or the node
/// is still joining) or when it was offline when last seen: the map is what the whole cluster agreed, the drive's own
/// state is fresher. A draining drive (or a draining node's) is available — its fragments are read while they move away —
/// and listed by <see cref="Draining"/>.
/// </summary>
public sealed class ClusterDriveAvailability(ClusterRuntime cluster) : IDriveAvailability
{
    public IReadOnlySet<string> Unavailable()
    {
        var map = cluster.Map;
        var unavailable = map.Drives.Where(d => !IsAvailable(map, d)).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        unavailable.UnionWith(cluster.Drives.Values.Where(d => !d.Stats().Online).Select(d => d.DriveId));
        return unavailable;
    }

    public IReadOnlySet<string> Draining()
    {
        var map = cluster.Map;
        return map.Drives.Where(d => IsAvailable(map, d) && ClusterPlacement.IsDraining(map, d)).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Whether the map lets the drive be read: it and its node up or draining.</summary>
    public static bool IsAvailable(ClusterMap map, ClusterDrive drive) =>
        drive.State is DriveState.Up or DriveState.Draining && map.Node(drive.NodeId)?.State is NodeState.Up or NodeState.Draining;
}
