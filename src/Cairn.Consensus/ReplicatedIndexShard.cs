using Cairn.Index.Commands;
using Cairn.Index.Shards;
using DotNext.Net.Cluster.Consensus.Raft;

namespace Cairn.Consensus;

/// <summary>
/// The index seam over one member of a range group. On the leader a command goes through the Raft log and
/// completes with the outcome this replica's apply of that log entry produced (matched by request id); on
/// a follower it is refused with <see cref="NotLeaderException"/> (forwarding comes later). Reads are
/// snapshots of this replica's store; <see cref="ReadBarrierAsync"/> is the Raft read index.
/// The replica owns the store and the Raft member: disposing the shard leaves them to it.
/// </summary>
public sealed class ReplicatedIndexShard(string group, IRaftCluster cluster, RangeStore store, AppliedCommands applied) : IIndexShard
{
    public async Task<TResult> ExecuteAsync<TResult>(IndexCommand<TResult> command, CancellationToken cancellationToken = default)
    {
        if (cluster.LeadershipToken.IsCancellationRequested) throw new NotLeaderException(group, cluster.Leader?.EndPoint);
        // The issuer names a request it may retry; one it does not is named here, to meet its apply.
        if (command.RequestId is null) command = command with { RequestId = Guid.NewGuid().ToString("N") };
        var requestId = command.RequestId!;
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
                throw new NotLeaderException(group, cluster.Leader?.EndPoint);
            }
            catch (Exception e) when (e is QuorumUnreachableException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new CommandOutcomeUnknownException(requestId, e);
            }
            var outcome = await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return outcome.Resolve<TResult>();
        }
        finally
        {
            applied.Forget(requestId, waiter);
        }
    }

    public IIndexSnapshot OpenSnapshot() => store.OpenSnapshot();

    /// <summary>
    /// The Raft read index: on the leader, confirmed with a quorum; on a follower, the leader's commit index.
    /// Either way it returns once this replica has applied every entry committed before the call.
    /// </summary>
    public ValueTask ReadBarrierAsync(CancellationToken cancellationToken = default) =>
        cluster.ApplyReadBarrierAsync(cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
