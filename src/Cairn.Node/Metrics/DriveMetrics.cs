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
    private readonly Gauge fragments = metrics.CreateGauge("cairn_drive_fragments", "Fragments the drive held at its last full listing (the orphan sweep's).", ["drive"]);
    private readonly Gauge fragmentBytes = metrics.CreateGauge("cairn_drive_fragment_bytes", "Bytes of the fragments the drive held at its last full listing.", ["drive"]);
    private readonly Gauge counted = metrics.CreateGauge("cairn_drive_fragments_counted_timestamp_seconds", "When the drive's last full listing ended (Unix time).", ["drive"]);

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
            // Before its first count (and while offline) a drive keeps the series it had: a figure with its time, not a guess.
            if (stats.Census is not { } census) continue;
            fragments.WithLabels(drive.DriveId).Set(census.Fragments);
            fragmentBytes.WithLabels(drive.DriveId).Set(census.Bytes);
            counted.WithLabels(drive.DriveId).Set(census.At.ToUnixTimeMilliseconds() / 1000.0);
        }
    }
}
