using DotNext.Net.Cluster.Consensus.Raft;

namespace Cairn.Consensus;

/// <summary>
/// How the leader of a group puts an encoded command into the group's Raft log: the returned task completes once
/// the entry holding it is committed, and throws what <see cref="IRaftCluster.ReplicateAsync"/> throws (this member
/// stopped leading, lost its quorum, is stopping).
/// </summary>
internal interface ICommandLog
{
    Task AppendAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken);
}

/// <summary>One log entry per command: the meta group's few map changes need no batching (its apply reads one command per entry).</summary>
internal sealed class OneEntryPerCommand(IRaftCluster cluster) : ICommandLog
{
    public Task AppendAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken) =>
        cluster.ReplicateAsync(command, null, cancellationToken).AsTask();
}
