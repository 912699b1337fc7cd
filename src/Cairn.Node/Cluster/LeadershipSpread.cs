using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Cluster;

/// <summary>
/// Keeps range leadership spread over the nodes: DotNext has no leadership transfer, and leadership piles up on
/// whichever node won the first elections, so a node leading more ranges than its share (the ranges over the up
/// nodes, rounded up) resigns one of them every <see cref="ClusterOptions.LeadershipCheckInterval"/> and stays out of the
/// election that follows (<see cref="RangeReplica.StepAsideAsync"/>); the members elect another leader. A node that still
/// wins the resigned range back (no other member could) tries again on its next pass, and a node pushed
/// over its share by another's resignation does the same, so the count settles within the share on every node.
/// </summary>
public sealed partial class LeadershipSpread(ClusterRuntime cluster, TimeProvider time, ILogger<LeadershipSpread> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(cluster.Options.LeadershipCheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var map = cluster.Map;
            // A leaving node's leaderships are resigned by GroupMembership; the share counts the nodes that stay.
            var up = map.Nodes.Count(n => n.State == NodeState.Up && !n.Leaving);
            if (up < 2 || MembershipPlan.Leaving(map.Node(cluster.Options.NodeId))) continue;
            var share = (map.Ranges.Count + up - 1) / up;
            var led = cluster.Replicas.Where(r => r.IsLeader).OrderByDescending(r => r.Group.Id, StringComparer.Ordinal).ToArray();
            if (led.Length <= share) continue;
            try
            {
                // The newest range first: the first range's leader also runs the background work, which need not move.
                await led[0].StepAsideAsync(stoppingToken).ConfigureAwait(false);
                LogResigned(led[0].Group.Id, led.Length, share);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogResignFailed(led[0].Group.Id, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resigned the leadership of {Range}: this node led {Led} ranges, its share is {Share}")]
    private partial void LogResigned(string range, int led, int share);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not resign the leadership of {Range}: {Reason}")]
    private partial void LogResignFailed(string range, string reason);
}
