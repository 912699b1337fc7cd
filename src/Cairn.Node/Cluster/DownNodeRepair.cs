using Cairn.Cluster.Map;
using Cairn.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Cluster;

/// <summary>
/// When the meta group marks a node down, the node that owns the index's work repairs at once: every stripe with a
/// fragment on the lost node's drives is rebuilt onto the survivors, the stripes with the fewest fragments to spare
/// first, without waiting for the next scheduled scrub (which still verifies every fragment for rot).
/// </summary>
public sealed partial class DownNodeRepair(ClusterRuntime cluster, ScrubAndRepair scrubber, IWorkOwnership ownership, ILogger<DownNodeRepair> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var down = Down(cluster.Meta.Current);
        await foreach (var map in cluster.Meta.WatchAsync(stoppingToken).ConfigureAwait(false))
        {
            var now = Down(map);
            var lost = now.Except(down).ToArray();
            down = now;
            if (lost.Length == 0 || !ownership.OwnsIndexWork) continue;
            try
            {
                LogRepairing(string.Join(",", lost));
                var repair = await scrubber.RepairUnavailableAsync(stoppingToken).ConfigureAwait(false);
                LogRepaired(string.Join(",", lost), repair.BlobsRepaired, repair.FragmentsRebuilt, repair.BlobsLeftDegraded);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRepairFailed(e);
            }
        }
    }

    private static HashSet<string> Down(ClusterMap map) => map.Nodes.Where(n => n.State == NodeState.Down).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node(s) {Nodes} down: repairing their stripes onto the survivors")]
    private partial void LogRepairing(string nodes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Repair after {Nodes} went down: {Blobs} blobs, {Fragments} fragments rebuilt, {Degraded} left degraded")]
    private partial void LogRepaired(string nodes, long blobs, long fragments, long degraded);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair after a node went down failed; the scheduled scrub tries again")]
    private partial void LogRepairFailed(Exception e);
}
