using Cairn.Index.Commands;
using Cairn.Index.Shards;
using DotNext.Net.Cluster.Consensus.Raft;

namespace Cairn.Consensus;

/// <summary>
/// The index seam over one member of a range group; any member accepts any command. On the leader a
/// command goes through the Raft log and completes with the outcome this replica's apply of that log entry
/// produced (matched by request id). On a follower it is forwarded to the leader's cluster endpoint
/// (<see cref="RangeGroupEndpoints"/>), following "not leader" answers and retrying a lost reply or a leader
/// change with the same request id until <see cref="RangeForwardingOptions.Deadline"/>, then
/// <see cref="CommandOutcomeUnknownException"/>; without <see cref="RangeForwarding"/> a follower refuses with
/// <see cref="NotLeaderException"/> (<see cref="GroupCommands{TOutcome}"/>). The leader batches concurrent commands,
/// its own and forwarded ones, into one log entry (<see cref="CommandBatcher"/>). Reads are snapshots of this
/// replica's store; <see cref="ReadBarrierAsync"/> is the Raft read index. The replica owns the store and the
/// Raft member: disposing the shard leaves them to it.
/// </summary>
public sealed class ReplicatedIndexShard(string group, IRaftCluster cluster, RangeStore store, AppliedCommands<CommandOutcome> applied,
    RangeForwarding? forwarding = null, RangeReplicaOptions? options = null) : IIndexShard
{
    private readonly GroupCommands<CommandOutcome> commands = new(group, cluster, applied, new CommandBatcher(cluster, options ?? new RangeReplicaOptions()), forwarding, RangeRoutes.Commands(group), RangeRoutes.ReadIndex(group), CommandOutcome.Decode);

    public async Task<TResult> ExecuteAsync<TResult>(IndexCommand<TResult> command, CancellationToken cancellationToken = default)
    {
        // The issuer names a request it may retry; one it does not is named here, to meet its apply (and its retries).
        if (command.RequestId is null) command = command with { RequestId = Guid.NewGuid().ToString("N") };
        var outcome = await commands.ExecuteAsync(command.RequestId!, CommandCodec.Encode(command), cancellationToken).ConfigureAwait(false);
        return outcome.Resolve<TResult>();
    }

    /// <summary>Runs a command that has a request id through this member, which must lead (see <see cref="GroupCommands{TOutcome}.LeadAsync"/>).</summary>
    internal Task<CommandOutcome> LeadAsync(IndexCommand command, CancellationToken cancellationToken) =>
        commands.LeadAsync(command.RequestId ?? throw new ArgumentException("The command has no request id.", nameof(command)),
            CommandCodec.Encode(command), cancellationToken);

    /// <summary>The leader's half of a follower's read barrier (served on the cluster port).</summary>
    internal Task<long> LeadReadIndexAsync(CancellationToken cancellationToken) => commands.LeadReadIndexAsync(cancellationToken);

    public IIndexSnapshot OpenSnapshot() => store.OpenSnapshot();

    /// <summary>Whether this replica leads its group now (as far as it knows).</summary>
    public bool IsLeader => !cluster.LeadershipToken.IsCancellationRequested;

    /// <summary>The Raft read index, waiting out an election (see <see cref="GroupCommands{TOutcome}.ReadBarrierAsync"/>).</summary>
    public ValueTask ReadBarrierAsync(CancellationToken cancellationToken = default) => commands.ReadBarrierAsync(cancellationToken);

    /// <summary>This replica's whole store, past the read barrier.</summary>
    public async ValueTask<IIndexSnapshot> ReadAsync(ReadScope scope, CancellationToken cancellationToken = default)
    {
        await ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        return OpenSnapshot();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
