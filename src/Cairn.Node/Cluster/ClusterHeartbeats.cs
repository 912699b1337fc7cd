using Cairn.Cluster.Meta;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Cluster;

/// <summary>
/// Each node tells the meta group it is alive every <see cref="ClusterOptions.HeartbeatInterval"/>; the meta
/// group's leader marks down every up node whose heartbeat count has not moved for the map's grace of its own elapsed
/// time (<see cref="SilentNodes"/>: no two clocks are compared). The apply refuses a mark-down once a later heartbeat is
/// committed, so a detector that is slow or cut off cannot mark down a live node. A down node's next heartbeat brings it back up.
/// </summary>
public sealed partial class ClusterHeartbeats(ClusterRuntime cluster, TimeProvider time, ILogger<ClusterHeartbeats> log) : BackgroundService
{
    private readonly SilentNodes silent = new(time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(cluster.Options.HeartbeatInterval, time);
        do
        {
            try
            {
                await cluster.Meta.ExecuteAsync(new Heartbeat(cluster.Options.NodeId) { At = time.GetUtcNow() }, stoppingToken).ConfigureAwait(false);
                if (cluster.Meta.IsLeader) await MarkDownSilentNodesAsync(stoppingToken).ConfigureAwait(false);
                else silent.Forget();
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogHeartbeatFailed(e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task MarkDownSilentNodesAsync(CancellationToken cancellationToken)
    {
        foreach (var (command, silentFor) in silent.Due(cluster.Meta.Current))
        {
            try
            {
                await cluster.Meta.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
                LogMarkedDown(command.NodeId, silentFor.TotalSeconds);
            }
            catch (MetaCommandException e) when (e.Error is MetaError.NodeStillAlive or MetaError.InvalidNodeState)
            {
                // A heartbeat (or another detector) got there first.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Heartbeat not delivered: {Reason}")]
    private partial void LogHeartbeatFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} marked down: no heartbeat for {Seconds:F1} s")]
    private partial void LogMarkedDown(string node, double seconds);
}
