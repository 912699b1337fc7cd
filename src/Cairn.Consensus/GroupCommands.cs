using Cairn.Transport.Raft;
using System.Buffers.Binary;
using System.Net;
using DotNext.Net.Cluster.Consensus.Raft;

namespace Cairn.Consensus;

/// <summary>
/// A command's way through one member of a Raft group, whatever the group replicates (a range's index
/// commands, the meta group's map commands): on the leader it goes into the log through <paramref name="log"/>
/// (a range leader batches concurrent commands into one entry: <see cref="CommandBatcher"/>) and completes with
/// the outcome this replica's apply of that entry reported under its request id (<see cref="AppliedCommands{TOutcome}"/>);
/// on a follower it is forwarded to the leader's cluster endpoint at <paramref name="route"/>, following
/// "not leader" answers and retrying a lost reply or a leader change with the same request id until
/// <see cref="RangeForwardingOptions.Deadline"/>, then <see cref="CommandOutcomeUnknownException"/>. Without
/// <see cref="RangeForwarding"/> a follower refuses with <see cref="NotLeaderException"/>. Retrying is safe
/// only because the group's apply answers a repeated request id with its first outcome.
/// </summary>
internal sealed class GroupCommands<TOutcome>(string group, IRaftCluster cluster, AppliedCommands<TOutcome> applied, ICommandLog log, RangeForwarding? forwarding,
    string route, string readIndexRoute, Func<byte[], TOutcome> decodeOutcome)
{
    /// <summary>Runs an encoded command that carries <paramref name="requestId"/>: here if this member leads, else on the leader.</summary>
    public Task<TOutcome> ExecuteAsync(string requestId, byte[] command, CancellationToken cancellationToken) =>
        forwarding is null ? LeadAsync(requestId, command, cancellationToken) : RouteAsync(requestId, command, forwarding, cancellationToken);

    /// <summary>
    /// The Raft read index. On the leader: a replication round confirms with a quorum that it still leads, and
    /// this replica has applied everything committed. On a follower: the leader does the same and names its
    /// commit index (<see cref="LeadReadIndexAsync"/>, over the cluster port), and this replica waits until it has
    /// applied up to it — DotNext's own follower barrier takes the leader's commit index without that
    /// confirmation, so a deposed leader could name a stale one. While the group has no leader it can reach (an
    /// election after a leader died) it asks again until the deadline of <see cref="RangeForwardingOptions"/>,
    /// then throws <see cref="GroupUnavailableException"/>: a read waits out a failover instead of failing in it.
    /// </summary>
    public async ValueTask ReadBarrierAsync(CancellationToken cancellationToken)
    {
        var patience = forwarding?.Options ?? new RangeForwardingOptions();
        var time = forwarding?.Time ?? TimeProvider.System;
        using var deadline = new CancellationTokenSource(patience.Deadline, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var backoff = patience.FirstBackoff;
        EndPoint? named = null;
        Exception? last = null;
        try
        {
            while (true)
            {
                try
                {
                    if (!cluster.LeadershipToken.IsCancellationRequested || forwarding is null)
                    {
                        await cluster.ApplyReadBarrierAsync(ReadBarrierType.Strong, bounded.Token).ConfigureAwait(false);
                        return;
                    }
                    var leader = named ?? RaftEndPoints.NodeOf(cluster.Leader?.EndPoint);
                    named = null;
                    if (leader is not null)
                    {
                        var index = BinaryPrimitives.ReadInt64BigEndian(await forwarding.SendAsync(group, leader, readIndexRoute, [], bounded.Token).ConfigureAwait(false));
                        await cluster.AuditTrail.WaitForApplyAsync(index, bounded.Token).ConfigureAwait(false);
                        return;
                    }
                    last ??= new NotLeaderException(group, null);
                }
                catch (NotLeaderException e)
                {
                    named = e.Leader;
                    last = e;
                }
                catch (Exception e) when (e is QuorumUnreachableException or DotNext.Net.Cluster.MemberUnavailableException or LeaderUnreachableException
                    || e is InvalidOperationException && cluster.Leader is null)
                {
                    last = e;
                }
                await Task.Delay(backoff, time, bounded.Token).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, patience.MaxBackoff.Ticks));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GroupUnavailableException(group, patience.Deadline, last);
        }
    }

    /// <summary>
    /// The leader's half of a follower's read barrier: confirms with a quorum that this member still leads, then
    /// returns its commit index. <see cref="NotLeaderException"/> when it does not lead.
    /// </summary>
    public async Task<long> LeadReadIndexAsync(CancellationToken cancellationToken)
    {
        if (cluster.LeadershipToken.IsCancellationRequested) throw new NotLeaderException(group, RaftEndPoints.NodeOf(cluster.Leader?.EndPoint));
        await cluster.ApplyReadBarrierAsync(ReadBarrierType.Strong, cancellationToken).ConfigureAwait(false);
        if (cluster.LeadershipToken.IsCancellationRequested) throw new NotLeaderException(group, RaftEndPoints.NodeOf(cluster.Leader?.EndPoint));
        return cluster.AuditTrail.LastCommittedEntryIndex;
    }

    /// <summary>
    /// Runs the command through this member, which must lead: the outcome of its apply, or
    /// <see cref="NotLeaderException"/>, or <see cref="CommandOutcomeUnknownException"/> when it lost
    /// leadership or quorum mid-call.
    /// </summary>
    public async Task<TOutcome> LeadAsync(string requestId, byte[] command, CancellationToken cancellationToken)
    {
        if (cluster.LeadershipToken.IsCancellationRequested) throw new NotLeaderException(group, RaftEndPoints.NodeOf(cluster.Leader?.EndPoint));
        var waiter = applied.Await(requestId);
        try
        {
            try
            {
                // Returns once the entry holding it is committed; it throws when this member stops leading meanwhile.
                await log.AppendAsync(command, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (cluster.LeadershipToken.IsCancellationRequested)
            {
                throw new NotLeaderException(group, RaftEndPoints.NodeOf(cluster.Leader?.EndPoint));
            }
            catch (Exception e) when (e is QuorumUnreachableException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new CommandOutcomeUnknownException(requestId, e);
            }
            return await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            applied.Forget(requestId, waiter);
        }
    }

    /// <summary>
    /// Runs the command here when this member leads, else on the leader it sees (or the one last named to it),
    /// retrying with the same request id until the deadline. The caller's own cancellation is not an unknown
    /// outcome: it propagates as cancellation.
    /// </summary>
    private async Task<TOutcome> RouteAsync(string requestId, byte[] command, RangeForwarding forwarding, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(forwarding.Options.Deadline, forwarding.Time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var backoff = forwarding.Options.FirstBackoff;
        EndPoint? named = null;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (!cluster.LeadershipToken.IsCancellationRequested) return await LeadAsync(requestId, command, bounded.Token).ConfigureAwait(false);
                var leader = named ?? RaftEndPoints.NodeOf(cluster.Leader?.EndPoint);
                named = null;
                if (leader is not null) return decodeOutcome(await forwarding.SendAsync(group, leader, route, command, bounded.Token).ConfigureAwait(false));
                last ??= new NotLeaderException(group, null);
            }
            catch (NotLeaderException e)
            {
                named = e.Leader;
                last = e;
            }
            catch (Exception e) when (e is CommandOutcomeUnknownException or LeaderUnreachableException
                || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // The deadline's own cancellation says less than the failure that led to it.
                if (e is not OperationCanceledException || last is null) last = e;
            }
            try
            {
                await Task.Delay(backoff, forwarding.Time, bounded.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new CommandOutcomeUnknownException(requestId, last);
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, forwarding.Options.MaxBackoff.Ticks));
        }
    }
}

/// <summary>A group's read barrier could not complete within the deadline: no reachable leader or quorum.</summary>
public sealed class GroupUnavailableException(string group, TimeSpan deadline, Exception? inner)
    : Cairn.Index.Shards.IndexUnavailableException($"Group {group} had no reachable leader or quorum within {deadline}.", inner);
