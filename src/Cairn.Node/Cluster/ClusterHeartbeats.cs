using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Cluster;

/// <summary>
/// Each node tells the meta group it is alive every <see cref="ClusterOptions.HeartbeatInterval"/>; the meta
/// group's leader marks down every up node whose last heartbeat is older than the map's grace. The apply
/// re-checks the grace against the log, so a detector that is slow or cut off cannot mark down a node whose
/// later heartbeat is already committed. A down node's next heartbeat brings it back up.
/// </summary>
public sealed partial class ClusterHeartbeats(ClusterRuntime cluster, TimeProvider time, ILogger<ClusterHeartbeats> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(cluster.Options.HeartbeatInterval, time);
        do
        {
            try
            {
                await cluster.Meta.ExecuteAsync(new Heartbeat(cluster.Options.NodeId) { At = time.GetUtcNow() }, stoppingToken).ConfigureAwait(false);
                if (cluster.Meta.IsLeader) await MarkDownSilentNodesAsync(stoppingToken).ConfigureAwait(false);
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
        var map = cluster.Meta.Current;
        var now = time.GetUtcNow();
        foreach (var node in map.Nodes.Where(n => n.State == NodeState.Up && now - n.LastHeartbeat > map.HeartbeatGrace))
        {
            try
            {
                await cluster.Meta.ExecuteAsync(new MarkDown(node.Id) { At = now }, cancellationToken).ConfigureAwait(false);
                LogMarkedDown(node.Id, (now - node.LastHeartbeat).TotalSeconds);
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
