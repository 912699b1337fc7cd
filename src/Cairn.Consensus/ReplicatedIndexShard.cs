using System.Net;
using Cairn.Index.Commands;
using Cairn.Index.Shards;
using Cairn.Transport.Raft;
using DotNext.Net.Cluster.Consensus.Raft;

namespace Cairn.Consensus;

/// <summary>
/// The index seam over one member of a range group; any member accepts any command. On the leader a
/// command goes through the Raft log and completes with the outcome this replica's apply of that log entry
/// produced (matched by request id). On a follower it is forwarded to the leader's cluster endpoint
/// (<see cref="RangeGroupEndpoints"/>), following "not leader" answers and retrying a lost reply or a leader
/// change with the same request id until <see cref="RangeForwardingOptions.Deadline"/>, then
/// <see cref="CommandOutcomeUnknownException"/>; without <see cref="RangeForwarding"/> a follower refuses with
/// <see cref="NotLeaderException"/>. Reads are snapshots of this replica's store; <see cref="ReadBarrierAsync"/>
/// is the Raft read index. The replica owns the store and the Raft member: disposing the shard leaves them to it.
/// </summary>
public sealed class ReplicatedIndexShard(string group, IRaftCluster cluster, RangeStore store, AppliedCommands applied,
    RangeForwarding? forwarding = null) : IIndexShard
{
    public async Task<TResult> ExecuteAsync<TResult>(IndexCommand<TResult> command, CancellationToken cancellationToken = default)
    {
        // The issuer names a request it may retry; one it does not is named here, to meet its apply (and its retries).
        if (command.RequestId is null) command = command with { RequestId = Guid.NewGuid().ToString("N") };
        var outcome = forwarding is null
            ? await LeadAsync(command, cancellationToken).ConfigureAwait(false)
            : await RouteAsync(command, forwarding, cancellationToken).ConfigureAwait(false);
        return outcome.Resolve<TResult>();
    }

    /// <summary>
    /// Runs a command that has a request id through this member, which must lead: the outcome of its apply,
    /// or <see cref="NotLeaderException"/>, or <see cref="CommandOutcomeUnknownException"/> when it lost
    /// leadership or quorum mid-call.
    /// </summary>
    internal async Task<CommandOutcome> LeadAsync(IndexCommand command, CancellationToken cancellationToken)
    {
        if (cluster.LeadershipToken.IsCancellationRequested) throw new NotLeaderException(group, Leader);
        var requestId = command.RequestId ?? throw new ArgumentException("The command has no request id.", nameof(command));
        var waiter = applied.Await(requestId);
        try
        {
            try
            {
                // Returns once the entry is committed; it throws when this member stops leading meanwhile.
                await cluster.ReplicateAsync(CommandCodec.Encode(command), null, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (cluster.LeadershipToken.IsCancellationRequested)
            {
                throw new NotLeaderException(group, Leader);
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
    /// retrying with the same request id — the apply answers a repeated id with its first outcome — until the
    /// deadline. The caller's own cancellation is not an unknown outcome: it propagates as cancellation.
    /// </summary>
    private async Task<CommandOutcome> RouteAsync(IndexCommand command, RangeForwarding forwarding, CancellationToken cancellationToken)
    {
        var requestId = command.RequestId!;
        var encoded = CommandCodec.Encode(command);
        using var deadline = new CancellationTokenSource(forwarding.Options.Deadline, forwarding.Time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var backoff = forwarding.Options.FirstBackoff;
        EndPoint? named = null;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (!cluster.LeadershipToken.IsCancellationRequested) return await LeadAsync(command, bounded.Token).ConfigureAwait(false);
                var leader = named ?? Leader;
                named = null;
                if (leader is not null) return await forwarding.SendAsync(group, leader, encoded, bounded.Token).ConfigureAwait(false);
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

    /// <summary>The leader this member sees, by its address in the group (a mux member's Raft address names its node).</summary>
    private EndPoint? Leader => RaftEndPoints.NodeOf(cluster.Leader?.EndPoint);

    public IIndexSnapshot OpenSnapshot() => store.OpenSnapshot();

    /// <summary>
    /// The Raft read index: on the leader, confirmed with a quorum; on a follower, the leader's commit index.
    /// Either way it returns once this replica has applied every entry committed before the call.
    /// </summary>
    public ValueTask ReadBarrierAsync(CancellationToken cancellationToken = default) =>
        cluster.ApplyReadBarrierAsync(cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
