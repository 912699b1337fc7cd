using System.Buffers;
using System.Buffers.Binary;
using Cairn.Core.Errors;
using Cairn.Index.Apply;
using Cairn.Index.Commands;
using Cairn.Index.Records;
using Cairn.Index.Shards;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using RocksDbSharp;

namespace Cairn.Consensus;

/// <summary>
/// A range replica's Raft state machine: the shard's RocksDB store, changed by the shard's one deterministic
/// apply. Each committed entry's effect, its request id's outcome and <c>applied = entry.Index</c> go to disk
/// in one synced WriteBatch, so a replay after a restart skips what is already applied and a retried request
/// id is answered from its stored outcome instead of being applied twice. DotNext never calls
/// <see cref="ApplyAsync"/> concurrently. No snapshots yet: the log is kept whole.
/// </summary>
public sealed class RangeStateMachine : IStateMachine
{
    private readonly IndexStore store;
    private readonly ShardStateMachine machine;
    private readonly AppliedCommands applied;
    private long appliedIndex;

    public RangeStateMachine(IndexStore store, ShardStateMachine machine, AppliedCommands applied)
    {
        this.store = store;
        this.machine = machine;
        this.applied = applied;
        appliedIndex = store.Get(IndexKeys.AppliedIndexKey()) is { Length: 8 } stored ? BinaryPrimitives.ReadInt64BigEndian(stored) : 0;
    }

    /// <summary>The index of the last log entry whose effect is in the store.</summary>
    public long AppliedIndex => Volatile.Read(ref appliedIndex);

    ISnapshot? ISnapshotManager.Snapshot => null;

    ValueTask ISnapshotManager.ReclaimGarbageAsync(long watermark, CancellationToken token) => ValueTask.CompletedTask;

    public ValueTask<long> ApplyAsync(LogEntry entry, CancellationToken token)
    {
        if (entry.IsSnapshot) throw new NotSupportedException("Range snapshots are not implemented yet.");
        if (entry.Index <= appliedIndex) return ValueTask.FromResult(appliedIndex);
        var layer = store.NewLayer();
        var report = entry.TryGetPayload(out var payload) && !entry.IsConfiguration && !payload.IsEmpty
            ? Apply(layer, entry.Index, CommandCodec.Decode(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray()))
            : null;
        var index = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(index, entry.Index);
        layer.Put(IndexKeys.AppliedIndexKey(), index);
        store.Write(layer);
        Volatile.Write(ref appliedIndex, entry.Index);
        if (report is var (requestId, outcome)) applied.Report(requestId, outcome);
        return ValueTask.FromResult(entry.Index);
    }

    /// <summary>
    /// The command's writes (none if refused or already applied) and its outcome under its request id go into
    /// <paramref name="layer"/>; returns the outcome to report, if the command has a request id.
    /// </summary>
    private (string RequestId, CommandOutcome Outcome)? Apply(LayeredState layer, long index, IndexCommand command)
    {
        if (command.RequestId is { } id && layer.Get(IndexKeys.RequestKey(id)) is { } stored)
            return (id, CommandOutcome.Decode(stored));
        var commandLayer = new LayeredState(layer);
        CommandOutcome outcome;
        try
        {
            outcome = CommandOutcome.Succeeded(index, machine.Apply(commandLayer, command));
            commandLayer.CopyTo(layer);
        }
        catch (S3Exception e)
        {
            outcome = CommandOutcome.Refused(index, e);
        }
        catch (Exception e) when (e is not RocksDbException)
        {
            // The apply is deterministic, so every replica refuses the same way; a store failure is not an outcome.
            outcome = CommandOutcome.Refused(index, new S3Exception(S3ErrorCode.InternalError, e.Message));
        }
        if (command.RequestId is not { } requestId) return null;
        layer.Put(IndexKeys.RequestKey(requestId), outcome.Encode());
        return (requestId, outcome);
    }
}
