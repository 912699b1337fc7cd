using System.Net;
using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Cluster;

/// <summary>
/// Brings the Raft groups this node leads (the meta group, ranges) to the members the map wants, one change at a time per
/// group, as <see cref="MembershipPlan"/> decides from the map: the meta group grows onto the up nodes up to five; a range
/// group keeps the map's replication factor on nodes across failure domains, replaces the members of a node that is
/// leaving (adding the replacement first), and moves one replica at a time in the cluster from the most loaded node to
/// the least. An addition is DotNext's AddMemberAsync (which first catches the new member up), then the record in the map
/// (<see cref="AddMetaMember"/>, <see cref="AddReplica"/>); a removal is RemoveMemberAsync, then
/// <see cref="RemoveMetaMember"/> or <see cref="RemoveReplica"/>, under request ids fixed by the group's generation and the
/// node. Every start builds a group's members from the map, so the map is the record; a member the map records but the
/// group lacks (a leader started from an older list) is added again. A leader never removes itself: it resigns, and the
/// next leader removes it. A node that is leaving resigns every leadership it holds, so leaderships leave it first.
/// </summary>
public sealed partial class GroupMembership(ClusterRuntime cluster, TimeProvider time, ILogger<GroupMembership> log) : BackgroundService
{
    /// <summary>How long one change may take (catching a new member up included) before it is tried again later.</summary>
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(60);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                if (MembershipPlan.Leaving(cluster.Map.Node(cluster.Options.NodeId)))
                {
                    await LeaveLeadershipsAsync(stoppingToken).ConfigureAwait(false);
                    continue;
                }
                await ChangeMetaAsync(stoppingToken).ConfigureAwait(false);
                foreach (var replica in cluster.Replicas.Where(r => r.IsLeader))
                    await ChangeRangeAsync(replica, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogChangeFailed(e.Message);
            }
        }
    }

    /// <summary>A leaving node leads nothing: it resigns each leadership it holds (the members elect another).</summary>
    private async Task LeaveLeadershipsAsync(CancellationToken cancellationToken)
    {
        if (cluster.Meta.IsLeader && await cluster.Meta.ResignAsync(cancellationToken).ConfigureAwait(false)) LogResigned("meta");
        foreach (var replica in cluster.Replicas.Where(r => r.IsLeader))
            if (await replica.ResignAsync(cancellationToken).ConfigureAwait(false)) LogResigned(replica.Group.Id);
    }

    private async Task ChangeMetaAsync(CancellationToken cancellationToken)
    {
        var meta = cluster.Meta;
        if (!meta.IsLeader) return;
        var map = meta.Current;
        if (map.MetaMembers.Count == 0) return; // a map from before members were recorded: the join list is the record
        var change = MembershipPlan.ForMeta(map);
        if (!await RestoreRecordedAsync("meta", map, map.MetaMembers, change, meta.HasMember, meta.AddMemberAsync, cancellationToken).ConfigureAwait(false)) return;
        switch (change)
        {
            case AddMember add when map.Node(add.NodeId) is { } node:
                if (!await AddAsync("meta", node, meta.AddMemberAsync, cancellationToken).ConfigureAwait(false)) return;
                await RecordAsync(new AddMetaMember(node.Id) { At = time.GetUtcNow(), RequestId = $"grow/meta/{node.Id}" }, cancellationToken).ConfigureAwait(false);
                LogAdded("meta", node.Id, add.Why);
                break;
            case RemoveMember remove when map.Node(remove.NodeId) is { } node:
                if (!await RemoveAsync("meta", node, meta.RemoveMemberAsync, meta.ResignAsync, cancellationToken).ConfigureAwait(false)) return;
                await RecordAsync(new RemoveMetaMember(node.Id) { At = time.GetUtcNow(), RequestId = $"shrink/meta/{node.Id}" }, cancellationToken).ConfigureAwait(false);
                LogRemoved("meta", node.Id, remove.Why);
                break;
        }
    }

    private async Task ChangeRangeAsync(Consensus.RangeReplica replica, CancellationToken cancellationToken)
    {
        var map = cluster.Map;
        if (map.Ranges.FirstOrDefault(r => ClusterRuntime.GroupName(r.GroupId) == replica.Group.Id) is not { } range) return;
        // A merge this replica has not applied yet: every member must hold the merged-away range's replica when it does,
        // so the members stay as they are until then.
        if (range.Merged is { } merged && !replica.Span.Contains(merged.Start)) return;
        var group = replica.Group.Id;
        var change = MembershipPlan.ForRange(map, range);
        if (!await RestoreRecordedAsync(group, map, range.Members, change, replica.HasMember, replica.AddMemberAsync, cancellationToken).ConfigureAwait(false)) return;
        // The generation names the change: a node may be added, removed and added again over a group's life.
        var requestId = $"member/{group}/gen{range.Generation}/{change?.NodeId}";
        switch (change)
        {
            case AddMember add when map.Node(add.NodeId) is { } node:
                if (!await AddAsync(group, node, replica.AddMemberAsync, cancellationToken).ConfigureAwait(false)) return;
                await RecordAsync(new AddReplica(range.GroupId, node.Id, range.Generation) { At = time.GetUtcNow(), RequestId = requestId }, cancellationToken)
                    .ConfigureAwait(false);
                LogAdded(group, node.Id, add.Why);
                break;
            case RemoveMember remove when map.Node(remove.NodeId) is { } node:
                if (!await RemoveAsync(group, node, replica.RemoveMemberAsync, replica.ResignAsync, cancellationToken).ConfigureAwait(false)) return;
                await RecordAsync(new RemoveReplica(range.GroupId, node.Id, range.Generation) { At = time.GetUtcNow(), RequestId = requestId }, cancellationToken)
                    .ConfigureAwait(false);
                LogRemoved(group, node.Id, remove.Why);
                break;
        }
    }

    /// <summary>
    /// Adds to the Raft group the members the map records but the group lacks (a leader started from an older list),
    /// except the one the plan removes next (removed from the group, not yet from the map). False while one is missing.
    /// </summary>
    private async Task<bool> RestoreRecordedAsync(string group, ClusterMap map, IReadOnlyList<string> recorded, MembershipChange? change,
        Func<IPEndPoint, bool> has, Func<IPEndPoint, CancellationToken, Task<bool>> add, CancellationToken cancellationToken)
    {
        foreach (var node in recorded.Select(map.Node).OfType<ClusterNode>().Where(n => !has(ClusterRuntime.ClusterEndPoint(n))))
            if (!(change is RemoveMember r && r.NodeId == node.Id) && !await AddAsync(group, node, add, cancellationToken).ConfigureAwait(false))
                return false;
        return true;
    }

    /// <summary>
    /// One RemoveMemberAsync; the leader itself resigns instead (false: the next leader removes it). False (logged) when the
    /// configuration could not be committed.
    /// </summary>
    private async Task<bool> RemoveAsync(string group, ClusterNode node, Func<IPEndPoint, CancellationToken, Task<bool>> remove,
        Func<CancellationToken, ValueTask<bool>> resign, CancellationToken cancellationToken)
    {
        if (node.Id == cluster.Options.NodeId)
        {
            if (await resign(cancellationToken).ConfigureAwait(false)) LogResigned(group);
            return false;
        }
        return await ChangeAsync(group, node, remove, "the configuration without it was not committed", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One AddMemberAsync, bounded; false (logged) when the new member did not catch up in time or leadership moved.</summary>
    private Task<bool> AddAsync(string group, ClusterNode node, Func<IPEndPoint, CancellationToken, Task<bool>> add, CancellationToken cancellationToken) =>
        ChangeAsync(group, node, add, "it did not catch up", cancellationToken);

    /// <summary>One configuration change of the Raft group, bounded by <see cref="ChangeTimeout"/>; false (logged) when it did not happen.</summary>
    private async Task<bool> ChangeAsync(string group, ClusterNode node, Func<IPEndPoint, CancellationToken, Task<bool>> change, string notDone,
        CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(ChangeTimeout);
        try
        {
            if (await change(ClusterRuntime.ClusterEndPoint(node), bounded.Token).ConfigureAwait(false)) return true;
            LogNotChanged(group, node.Id, notDone);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogNotChanged(group, node.Id, e.Message);
        }
        return false;
    }

    /// <summary>Records the change in the map; "already a member" (or "not a member") means an earlier attempt recorded it.</summary>
    private async Task RecordAsync(MetaCommand command, CancellationToken cancellationToken)
    {
        try
        {
            await cluster.Meta.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (MetaCommandException e) when (e.Error is MetaError.AlreadyAMember or MetaError.NotAMember or MetaError.StaleGeneration)
        {
            // Recorded by an earlier attempt, or the range changed meanwhile: the next pass plans again from the new map.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group}: node {Node} added as a member and recorded in the map ({Why})")]
    private partial void LogAdded(string group, string node, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group}: node {Node} removed as a member and recorded in the map ({Why})")]
    private partial void LogRemoved(string group, string node, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group}: this node resigned its leadership (it is leaving, or is the member to remove)")]
    private partial void LogResigned(string group);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group}: node {Node} not changed yet ({Reason}); trying again")]
    private partial void LogNotChanged(string group, string node, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Group membership pass failed: {Reason}")]
    private partial void LogChangeFailed(string reason);
}
