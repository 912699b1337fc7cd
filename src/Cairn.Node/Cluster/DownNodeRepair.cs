using Cairn.Cluster.Map;
using Cairn.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Cluster;

/// <summary>
/// Follows node states in the map on the node that runs repair for the store (the meta group's leader). When the meta group marks a node down,
/// every stripe with a fragment on its drives is rebuilt onto the survivors at once, the stripes with the fewest
/// fragments to spare first, without waiting for the next scheduled scrub (which still verifies every fragment for
/// rot). When the node is marked up again, spread-back deletes the stale fragments it still holds and moves the
/// fragments rebuilt two to a node during its absence back onto the spread placement wants.
/// </summary>
public sealed partial class DownNodeRepair(ClusterRuntime cluster, ScrubAndRepair scrubber, SpreadBack spreadBack, IWorkOwnership ownership,
    ILogger<DownNodeRepair> log) : BackgroundService
{
    /// <summary>How long a returned node's drives get to answer before spread-back runs without them (it then moves nothing onto them).</summary>
    private static readonly TimeSpan DrivesReachableWithin = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var down = Down(cluster.Meta.Current);
        var owned = false;
        await foreach (var map in cluster.Meta.WatchAsync(stoppingToken).ConfigureAwait(false))
        {
            var now = Down(map);
            var lost = now.Except(down).ToArray();
            var returned = down.Except(now).Where(id => map.Node(id)?.State == NodeState.Up).ToArray();
            down = now;
            var owns = ownership.RunsRepair;
            // Taking repair over (the last owner died or lost its leadership): every node down now is this node's to repair.
            if (owns && !owned) lost = [.. now];
            owned = owns;
            if (!owns) continue;
            try
            {
                if (lost.Length > 0)
                {
                    LogRepairing(string.Join(",", lost));
                    var repair = await scrubber.RepairUnavailableAsync(stoppingToken).ConfigureAwait(false);
                    LogRepaired(string.Join(",", lost), repair.BlobsRepaired, repair.FragmentsRebuilt, repair.BlobsLeftDegraded);
                }
                if (returned.Length > 0)
                {
                    var drives = map.Drives.Where(d => returned.Contains(d.NodeId)).Select(d => d.Id).ToArray();
                    LogSpreading(string.Join(",", returned));
                    await cluster.Drives.WaitReachableAsync(drives, DrivesReachableWithin, stoppingToken).ConfigureAwait(false);
                    await spreadBack.RunAsync(drives, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPassFailed(e);
            }
        }
    }

    private static HashSet<string> Down(ClusterMap map) => map.Nodes.Where(n => n.State == NodeState.Down).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node(s) {Nodes} down: repairing their stripes onto the survivors, most endangered first")]
    private partial void LogRepairing(string nodes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Repair after {Nodes} went down: {Blobs} blobs, {Fragments} fragments rebuilt, {Degraded} left degraded")]
    private partial void LogRepaired(string nodes, long blobs, long fragments, long degraded);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node(s) {Nodes} back: deleting their stale fragments and spreading crowded stripes back")]
    private partial void LogSpreading(string nodes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair or spread-back after a node changed state failed; the scheduled scrub tries again")]
    private partial void LogPassFailed(Exception e);
}
