using Cairn.Data.Drives;
using Cairn.Workers;
using Prometheus;

namespace Cairn.Node.Metrics;

/// <summary>State and space of this node's own drives (every node exports its drives; a cluster's are the sum of its nodes').</summary>
public sealed class DriveMetrics(IReadOnlyDictionary<string, IFragmentStore> localDrives, IDriveAvailability availability, IMetricFactory metrics) : IMetricsSource
{
    private readonly string[] states = ["up", "down", "draining"];

    private readonly Gauge state = metrics.CreateGauge("cairn_drive_state", "1 for the drive's state (up, down or draining), 0 for the others.", ["drive", "state"]);
    private readonly Gauge capacity = metrics.CreateGauge("cairn_drive_capacity_bytes", "Size of the filesystem holding the drive (0 while it is offline).", ["drive"]);
    private readonly Gauge free = metrics.CreateGauge("cairn_drive_free_bytes", "Bytes free on the drive's filesystem (0 while it is offline).", ["drive"]);
    private readonly Gauge used = metrics.CreateGauge("cairn_drive_used_bytes", "Bytes used on the drive's filesystem, by Cairn and anything else on it.", ["drive"]);

    public void Sample()
    {
        var unavailable = availability.Unavailable();
        var draining = availability.Draining();
        foreach (var drive in localDrives.Values)
        {
            var stats = drive.Stats();
            var now = draining.Contains(drive.DriveId) ? "draining" : !stats.Online || unavailable.Contains(drive.DriveId) ? "down" : "up";
            foreach (var s in states) state.WithLabels(drive.DriveId, s).Set(s == now ? 1 : 0);
            capacity.WithLabels(drive.DriveId).Set(stats.TotalBytes);
            free.WithLabels(drive.DriveId).Set(stats.FreeBytes);
            used.WithLabels(drive.DriveId).Set(stats.TotalBytes - stats.FreeBytes);
        }
    }
}
