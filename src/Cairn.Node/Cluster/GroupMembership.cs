using System.Net;
using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Cluster;

/// <summary>
/// Brings the Raft groups this node leads (the meta group, ranges) to the members the map wants, one change at a
/// time per group: the meta group grows onto every admitted (up) node up to five, a range group up to the map's
/// replication factor (3 for a new cluster), choosing nodes across failure domains (<see cref="MemberChoice"/>).
/// For each member missing from a group it leads, the leader adds it with DotNext's AddMemberAsync (which first
/// catches the new member up), then records it in the map (<see cref="AddMetaMember"/>, <see cref="AddReplica"/>) under
/// a request id fixed by the group and the node; every start builds a group's members from the map, so the map is the
/// record. A member the map records but the group lacks (a leader started from an older list) is added too.
/// </summary>
public sealed partial class GroupMembership(ClusterRuntime cluster, TimeProvider time, ILogger<GroupMembership> log) : BackgroundService
{
    /// <summary>How long one addition may take (catching a new member up included) before it is tried again later.</summary>
    private static readonly TimeSpan AddTimeout = TimeSpan.FromSeconds(60);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await GrowMetaAsync(stoppingToken).ConfigureAwait(false);
                foreach (var replica in cluster.Replicas.Where(r => r.IsLeader))
                    await GrowRangeAsync(replica, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogGrowthFailed(e.Message);
            }
        }
    }

    private async Task GrowMetaAsync(CancellationToken cancellationToken)
    {
        var meta = cluster.Meta;
        if (!meta.IsLeader) return;
        var map = meta.Current;
        if (map.MetaMembers.Count == 0) return; // a map from before members were recorded: the join list is the record
        foreach (var recorded in map.MetaMembers.Select(map.Node).OfType<ClusterNode>().Where(n => !meta.HasMember(ClusterRuntime.ClusterEndPoint(n))))
            if (!await AddAsync("meta", recorded, meta.AddMemberAsync, cancellationToken).ConfigureAwait(false)) return;
        if (MemberChoice.Additions(map, map.MetaMembers, ClusterJoin.MaxNodes).FirstOrDefault() is not { } node) return;
        if (!await AddAsync("meta", node, meta.AddMemberAsync, cancellationToken).ConfigureAwait(false)) return;
        await RecordAsync(new AddMetaMember(node.Id) { At = time.GetUtcNow(), RequestId = $"grow/meta/{node.Id}" }, cancellationToken).ConfigureAwait(false);
        LogAdded("meta", node.Id);
    }

    private async Task GrowRangeAsync(Consensus.RangeReplica replica, CancellationToken cancellationToken)
    {
        var map = cluster.Map;
        if (map.Ranges.FirstOrDefault(r => ClusterRuntime.GroupName(r.GroupId) == replica.Group.Id) is not { } range) return;
        foreach (var recorded in range.Members.Select(map.Node).OfType<ClusterNode>().Where(n => !replica.HasMember(ClusterRuntime.ClusterEndPoint(n))))
            if (!await AddAsync(replica.Group.Id, recorded, replica.AddMemberAsync, cancellationToken).ConfigureAwait(false)) return;
        if (MemberChoice.Additions(map, range.Members, map.ReplicationFactor).FirstOrDefault() is not { } node) return;
        if (!await AddAsync(replica.Group.Id, node, replica.AddMemberAsync, cancellationToken).ConfigureAwait(false)) return;
        await RecordAsync(new AddReplica(range.GroupId, node.Id) { At = time.GetUtcNow(), RequestId = $"grow/{replica.Group.Id}/{node.Id}" }, cancellationToken)
            .ConfigureAwait(false);
        LogAdded(replica.Group.Id, node.Id);
    }

    /// <summary>One AddMemberAsync, bounded; false (logged) when the new member did not catch up in time or leadership moved.</summary>
    private async Task<bool> AddAsync(string group, ClusterNode node, Func<IPEndPoint, CancellationToken, Task<bool>> add, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(AddTimeout);
        try
        {
            if (await add(ClusterRuntime.ClusterEndPoint(node), bounded.Token).ConfigureAwait(false)) return true;
            LogNotAdded(group, node.Id, "it did not catch up");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogNotAdded(group, node.Id, e.Message);
        }
        return false;
    }

    /// <summary>Records the change in the map; "already a member" means an earlier attempt recorded it.</summary>
    private async Task RecordAsync(MetaCommand command, CancellationToken cancellationToken)
    {
        try
        {
            await cluster.Meta.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (MetaCommandException e) when (e.Error == MetaError.AlreadyAMember)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group}: node {Node} added as a member and recorded in the map")]
    private partial void LogAdded(string group, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group}: node {Node} not added yet ({Reason}); trying again")]
    private partial void LogNotAdded(string group, string node, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Group membership pass failed: {Reason}")]
    private partial void LogGrowthFailed(string reason);
}
