using System.Diagnostics;
using Cairn.Cluster.Map;
using Cairn.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Cluster;

/// <summary>
/// Asks the fragment mover for a pass when the map calls for one, on the node that runs repair: drives placement can
/// write to were gained (a node admitted, a drive added; only while rebalance is on), a drive or a node was set
/// draining, or this node took repair over (whatever pass the last owner left unfinished starts over from a fresh plan).
/// </summary>
public sealed partial class MoveTriggers(ClusterRuntime cluster, FragmentMover mover, IWorkOwnership ownership, ILogger<MoveTriggers> log) : BackgroundService
{
    /// <summary>How long newly gained drives get to answer before the pass plans without them (it then moves nothing onto them).</summary>
    private static readonly TimeSpan DrivesReachableWithin = TimeSpan.FromSeconds(30);

    /// <summary>How often a pass is asked for while any drive drains (each plans from one walk of the layouts).</summary>
    private static readonly TimeSpan DrainPassInterval = TimeSpan.FromSeconds(20);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var (writable, draining) = (Writable(cluster.Meta.Current), Draining(cluster.Meta.Current));
        var owned = false;
        var drainPass = Stopwatch.GetTimestamp();
        await foreach (var map in cluster.Meta.WatchAsync(stoppingToken).ConfigureAwait(false))
        {
            var (nowWritable, nowDraining) = (Writable(map), Draining(map));
            var gained = nowWritable.Except(writable).ToArray();
            var drained = nowDraining.Except(draining).ToArray();
            (writable, draining) = (nowWritable, nowDraining);
            var owns = ownership.RunsRepair;
            var tookOver = owns && !owned;
            owned = owns;
            if (!owns) continue;
            if (gained.Length > 0 && mover.Rebalances)
            {
                LogGained(string.Join(",", gained));
                await cluster.Drives.WaitReachableAsync(gained, DrivesReachableWithin, stoppingToken).ConfigureAwait(false);
                mover.Request();
            }
            if (drained.Length > 0) LogDraining(string.Join(",", drained));
            // While drives drain, a pass now and then too: a fragment can land on one after the pass planned (a write
            // that placed its stripe before the drain, a repair), and the drive is not empty until that one moves too.
            var again = nowDraining.Count > 0 && Stopwatch.GetElapsedTime(drainPass) >= DrainPassInterval;
            if (tookOver || drained.Length > 0 || again)
            {
                drainPass = Stopwatch.GetTimestamp();
                mover.Request();
            }
        }
    }

    private static HashSet<string> Writable(ClusterMap map) =>
        map.Drives.Where(d => d.State == DriveState.Up && map.Node(d.NodeId)?.State == NodeState.Up).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> Draining(ClusterMap map) =>
        map.Drives.Where(d => ClusterPlacement.IsDraining(map, d)).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drive(s) {Drives} joined placement: rebalancing onto them")]
    private partial void LogGained(string drives);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drive(s) {Drives} draining: moving their fragments away")]
    private partial void LogDraining(string drives);
}
