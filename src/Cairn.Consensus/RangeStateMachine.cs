using System.Buffers;
using System.Buffers.Binary;
using Cairn.Core.Errors;
using Cairn.Core.Keys;
using Cairn.Index.Apply;
using Cairn.Index.Commands;
using Cairn.Index.Records;
using Cairn.Index.Shards;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using RocksDbSharp;

namespace Cairn.Consensus;

/// <summary>
/// A range replica's Raft state machine: the shard's RocksDB store, changed by the shard's one deterministic
/// apply. Each committed entry's effect (its commands', in order: see <see cref="CommandBatch"/>), their request
/// ids' outcomes and <c>applied = entry.Index</c> go to disk in one WriteBatch (unsynced: the Raft log is the durable record), so a replay after a restart skips what is already applied and a retried request
/// id is answered from its stored outcome instead of being applied twice. DotNext never calls
/// <see cref="ApplyAsync"/> concurrently.
/// Every <see cref="RangeReplicaOptions.SnapshotInterval"/> applied entries the store is checkpointed
/// (<see cref="RangeSnapshots"/>); once the next one is taken it becomes the snapshot DotNext cuts the log up
/// to and sends to a member that needs entries the log no longer has. A received snapshot replaces the whole store
/// (<see cref="RangeStore.Replace"/>): data, applied index and request-id outcomes alike.
/// </summary>
public sealed class RangeStateMachine : IStateMachine
{
    private readonly RangeStore store;
    private readonly RangeSnapshots snapshots;
    private readonly ShardStateMachine machine;
    private readonly AppliedCommands<CommandOutcome> applied;
    private readonly long snapshotInterval;
    private readonly Action<InstallStep, long>? installProbe;
    private long appliedIndex;
    private int installed;
    private ShardSpan span;

    public RangeStateMachine(RangeStore store, RangeSnapshots snapshots, ShardStateMachine machine, AppliedCommands<CommandOutcome> applied, long snapshotInterval)
        : this(store, snapshots, machine, applied, snapshotInterval, null)
    {
    }

    internal RangeStateMachine(RangeStore store, RangeSnapshots snapshots, ShardStateMachine machine, AppliedCommands<CommandOutcome> applied, long snapshotInterval,
        Action<InstallStep, long>? installProbe)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(snapshotInterval, 1);
        this.store = store;
        this.snapshots = snapshots;
        this.machine = machine;
        this.applied = applied;
        this.snapshotInterval = snapshotInterval;
        this.installProbe = installProbe;
        appliedIndex = ReadAppliedIndex(store.Current);
        span = ShardSpan.Read(store.Current.Get);
    }

    /// <summary>The key points this range owns, as its store records them (narrowed by each split it applied).</summary>
    public ShardSpan Span => Volatile.Read(ref span);

    /// <summary>Where a new range split off this one keeps its replica: beside this range's folder, under its name.</summary>
    public Func<string, string>? NewRangeFolder { get; init; }

    /// <summary>
    /// This node's replicas of other ranges, by group name: where a merge finds the rows of the range it takes in
    /// (<see cref="MergeShard"/>).
    /// </summary>
    public Func<string, RangeReplica?>? Siblings { get; init; }

    /// <summary>How long a merge's apply waits for this node's replica of the range it takes in to reach the subsumption.</summary>
    public TimeSpan MergeWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The index of the last log entry whose effect is in the store.</summary>
    public long AppliedIndex => Volatile.Read(ref appliedIndex);

    /// <summary>The commands applied lately and the keys they wrote: what a split by request rate looks at.</summary>
    public RangeLoad Load { get; } = new();

    /// <summary>How many snapshots sent by a leader this state machine has installed since it started.</summary>
    public int InstalledSnapshots => Volatile.Read(ref installed);

    /// <summary>The applied index recorded in a store (0 for an empty one).</summary>
    public static long ReadAppliedIndex(IndexStore store) =>
        store.Get(IndexKeys.AppliedIndexKey()) is { Length: 8 } stored ? BinaryPrimitives.ReadInt64BigEndian(stored) : 0;

    ISnapshot? ISnapshotManager.Snapshot => snapshots.Current;

    ValueTask ISnapshotManager.ReclaimGarbageAsync(long watermark, CancellationToken token)
    {
        snapshots.Reclaim(watermark);
        return ValueTask.CompletedTask;
    }

    public ValueTask<long> ApplyAsync(LogEntry entry, CancellationToken token)
    {
        if (entry.IsSnapshot) return InstallAsync(entry, token);
        if (entry.Index <= appliedIndex) return ValueTask.FromResult(appliedIndex);
        List<IndexCommand>? commands = null;
        if (entry.TryGetPayload(out var payload) && !entry.IsConfiguration && !payload.IsEmpty)
        {
            commands = [];
            foreach (var command in CommandBatch.Read(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray())) commands.Add(CommandCodec.Decode(command));
        }
        // A merge needs this node's replica of the range it takes in caught up to the subsumption before the apply reads it.
        return commands?.OfType<MergeShard>().FirstOrDefault() is { } merge
            ? WaitThenApplyAsync(entry, commands, merge, token)
            : ValueTask.FromResult(ApplyEntry(entry, commands));
    }

    private async ValueTask<long> WaitThenApplyAsync(LogEntry entry, List<IndexCommand> commands, MergeShard merge, CancellationToken token)
    {
        await WaitForMergedAsync(merge, token).ConfigureAwait(false);
        return ApplyEntry(entry, commands);
    }

    /// <summary>
    /// Waits, up to <see cref="MergeWait"/>, until this node runs its replica of the range a merge takes in and that replica
    /// applied the subsumption. The merge's issuer saw every member's replica past it before proposing the merge, so the wait
    /// is short (a restart replaying its own log); past the bound the apply fails loudly rather than merge a partial store.
    /// A merge this range already applied, or one it must refuse, does not wait.
    /// </summary>
    private async Task WaitForMergedAsync(MergeShard merge, CancellationToken token)
    {
        if (span.End is not { } end || RangeKeys.CompareEnd(merge.End, end) <= 0) return;
        var deadline = DateTime.UtcNow + MergeWait;
        while (Siblings?.Invoke(merge.MergedRange) is not { } replica || replica.AppliedIndex < merge.SubsumedAt)
        {
            if (DateTime.UtcNow > deadline)
                throw new ApplyHaltedException(
                    $"Merging {merge.MergedRange} into this range: this node's replica of it has not applied the subsumption at {merge.SubsumedAt} within {MergeWait}.");
            await Task.Delay(20, token).ConfigureAwait(false);
        }
    }

    private long ApplyEntry(LogEntry entry, List<IndexCommand>? commands)
    {
        var current = store.Current;
        var layer = current.NewLayer();
        // An entry holds one command or a batch (CommandBatch): each is applied in order, atomically on its own, over
        // the writes of the ones before it, with its own outcome; all of them go to disk in the entry's one batch.
        List<(string RequestId, CommandOutcome Outcome)>? reports = null;
        foreach (var command in commands ?? [])
            if (Apply(layer, entry.Index, command, current) is { } report) (reports ??= []).Add(report);
        var index = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(index, entry.Index);
        layer.Put(IndexKeys.AppliedIndexKey(), index);
        // Not synced: the Raft log already holds the entry durably, and it keeps every entry above the latest
        // checkpoint (which is flushed), so a crash that loses this write loses the applied index with it (one
        // batch) and the entry is applied again from the log on restart.
        current.Write(layer, sync: false);
        Volatile.Write(ref appliedIndex, entry.Index);
        if (reports is not null)
            foreach (var (requestId, outcome) in reports) applied.Report(requestId, outcome);
        // The store now holds exactly the entries up to this one: the moment to checkpoint it.
        if (entry.Index - snapshots.NewestIndex >= snapshotInterval) snapshots.Take(current, entry.Index, entry.Term);
        return entry.Index;
    }

    /// <summary>
    /// Replaces the store with the received checkpoint: written aside and synced, opened, checkpointed as this
    /// member's own snapshot, named as the store in use, and only then made the snapshot DotNext sees. A crash
    /// before the store is named leaves the old store (and the new checkpoint, deleted on restart as it is above
    /// the old store's applied index); a crash after it restarts with the installed store and its snapshot.
    /// </summary>
    private async ValueTask<long> InstallAsync(LogEntry entry, CancellationToken token)
    {
        var path = store.NewStorePath();
        await RangeSnapshots.ReceiveAsync(entry, path, token).ConfigureAwait(false);
        var received = IndexStore.Open(path);
        ISnapshot checkpoint;
        try
        {
            var index = ReadAppliedIndex(received);
            if (index != entry.Index)
                throw new InvalidDataException($"The snapshot sent for index {entry.Index} holds a store applied up to {index}.");
            checkpoint = snapshots.Checkpoint(received, entry.Index, entry.Term);
            installProbe?.Invoke(InstallStep.CheckpointSaved, entry.Index);
        }
        catch
        {
            received.Dispose();
            Directory.Delete(path, recursive: true);
            throw;
        }
        store.Replace(path, received);
        installProbe?.Invoke(InstallStep.StoreReplaced, entry.Index);
        snapshots.Install(checkpoint);
        Volatile.Write(ref span, ShardSpan.Read(received.Get));
        Volatile.Write(ref appliedIndex, entry.Index);
        Interlocked.Increment(ref installed);
        return entry.Index;
    }

    /// <summary>
    /// The command's writes (none if refused or already applied) and its outcome under its request id go into
    /// <paramref name="layer"/>; returns the outcome to report, if the command has a request id.
    /// </summary>
    private (string RequestId, CommandOutcome Outcome)? Apply(LayeredState layer, long index, IndexCommand command, IndexStore current)
    {
        if (command.RequestId is { } id && layer.Get(IndexKeys.RequestKey(id)) is { } stored)
            return (id, CommandOutcome.Decode(stored));
        Load.Record(command is IObjectCommand written ? new ObjectName(written.Bucket, written.Key) : null);
        // Subsumed by a merge: every command is refused and nothing is written, not even its outcome, so the store stays
        // exactly as the merge's left range copies it, whichever later entry a replica stands at.
        if (Subsumed(span))
        {
            var refusal = CommandOutcome.Refused(index, new S3Exception(S3ErrorCode.RangeMoved, $"This range was merged into its left neighbour at {RangeKeys.Show(span.Start)}."));
            return command.RequestId is { } refused ? (refused, refusal) : null;
        }
        CommandOutcome outcome;
        try
        {
            outcome = command switch
            {
                // A key this range gave away in a split: refused, and the router tries the range that owns it now.
                IObjectCommand keyed when !span.Contains(Cairn.Core.Keys.RangeKeys.Point(keyed.Bucket, keyed.Key)) =>
                    CommandOutcome.Refused(index, new S3Exception(S3ErrorCode.RangeMoved, $"{keyed.Bucket}/{keyed.Key} is outside {span}.")),
                SplitShard split => CommandOutcome.Succeeded(index, Split(layer, split, current)),
                SubsumeShard subsume => CommandOutcome.Succeeded(index, Subsume(layer, subsume, index)),
                MergeShard merge => CommandOutcome.Succeeded(index, Merge(layer, merge)),
                _ => CommandOutcome.Succeeded(index, machine.ApplyAtomically(layer, command)),
            };
        }
        catch (S3Exception e)
        {
            outcome = CommandOutcome.Refused(index, e);
        }
        catch (Exception e) when (e is not (RocksDbException or ApplyHaltedException))
        {
            // The apply is deterministic, so every replica refuses the same way; a store failure is not an outcome.
            outcome = CommandOutcome.Refused(index, new S3Exception(S3ErrorCode.InternalError, e.Message));
        }
        if (command.RequestId is not { } requestId) return null;
        layer.Put(IndexKeys.RequestKey(requestId), outcome.Encode());
        return (requestId, outcome);
    }

    /// <summary>A range a merge subsumed records an empty span at its start: it owns no point.</summary>
    public static bool Subsumed(ShardSpan span) => span.End is { } end && RangeKeys.Compare(span.Start, end) == 0;

    /// <summary>The right range of a merge gives up every key at this entry (see <see cref="SubsumeShard"/>); the answer is the entry's index.</summary>
    private long Subsume(LayeredState layer, SubsumeShard subsume, long index)
    {
        if (RangeKeys.Compare(span.Start, subsume.Start) != 0)
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"This range starts at {RangeKeys.Show(span.Start)}, not {RangeKeys.Show(subsume.Start)}.");
        var empty = new ShardSpan(span.Start, span.Start);
        layer.Put(IndexKeys.SpanKey(), empty.Encode());
        Volatile.Write(ref span, empty);
        return index;
    }

    /// <summary>
    /// The left range of a merge takes in the rows of this node's replica of the right range, subsumed at
    /// <see cref="MergeShard.SubsumedAt"/> and caught up to it (<see cref="WaitForMergedAsync"/>): after the subsumption
    /// that replica writes nothing, so every member copies the same rows whichever entry its replica stands at.
    /// </summary>
    private Done Merge(LayeredState layer, MergeShard merge)
    {
        if (span.End is not { } end || RangeKeys.CompareEnd(merge.End, end) <= 0)
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"This range {span} already reaches {RangeKeys.Show(merge.End)}.");
        var right = Siblings?.Invoke(merge.MergedRange)
                    ?? throw new ApplyHaltedException($"No replica of {merge.MergedRange} runs on this node: its rows cannot be merged.");
        if (right.AppliedIndex < merge.SubsumedAt || !Subsumed(right.Span) || RangeKeys.Compare(right.Span.Start, end) != 0)
            throw new ApplyHaltedException(
                $"This node's replica of {merge.MergedRange} (span {right.Span}, applied {right.AppliedIndex}) is not subsumed at {RangeKeys.Show(end)} by {merge.SubsumedAt}.");
        var merged = new ShardSpan(span.Start, merge.End);
        using (var rows = right.Shard.OpenSnapshot())
            ShardMerge.Absorb(layer, rows, end, merged, merge.At);
        Volatile.Write(ref span, merged);
        return default;
    }

    /// <summary>
    /// The split at this entry: first the new range's store is made, on disk and synced, from this range's state
    /// as it stands (every entry before this one applied) trimmed to the right half, under a temporary name renamed
    /// into place last; then this range's own trim goes into <paramref name="layer"/>, written with the entry. A
    /// crash before the rename leaves no new range (the entry is applied again on restart); one after it finds the
    /// new range's folder and does not make it again. Every member applies the same entry to the same state, so
    /// every member's new range starts identical: its Raft log starts empty, on top of that state.
    /// </summary>
    private Done Split(LayeredState layer, SplitShard split, IndexStore current)
    {
        var right = new ShardSpan(split.Point, span.End);
        var left = new ShardSpan(span.Start, split.Point);
        if (!span.Contains(split.Point) || Cairn.Core.Keys.RangeKeys.Compare(span.Start, split.Point) == 0)
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"The split point is not strictly inside {span}.");
        var folder = (NewRangeFolder ?? throw new InvalidOperationException("This range has no folder for new ranges."))(split.NewRange);
        if (!Directory.Exists(folder))
        {
            // The commands batched before this one in the entry are in the layer only: the new range must start
            // with them, so they go to the store first (a replay after a crash meets their request ids and skips them).
            if (!layer.IsEmpty)
            {
                current.Write(layer, sync: false);
                layer.Clear();
            }
            var seeding = folder + ".seeding";
            if (Directory.Exists(seeding)) Directory.Delete(seeding, recursive: true);
            Directory.CreateDirectory(seeding);
            current.Checkpoint(Path.Combine(seeding, RangeStore.DefaultStore));
            using (var seed = IndexStore.Open(Path.Combine(seeding, RangeStore.DefaultStore)))
            {
                var trim = seed.NewLayer();
                ShardSplit.Trim(trim, span, right, keepsQueues: false);
                trim.Delete(IndexKeys.AppliedIndexKey());
                seed.Write(trim, sync: true);
            }
            Directory.Move(seeding, folder);
            Cairn.Core.IO.DirectorySync.Sync(Path.GetDirectoryName(folder)!);
        }
        ShardSplit.Trim(layer, span, left, keepsQueues: true);
        Volatile.Write(ref span, left);
        return default;
    }
}

/// <summary>
/// The apply cannot go on on this node (a merge's source is missing here): not an outcome, which every member would have
/// to reach alike, but a failure of this replica, left to stop its apply rather than diverge from the others.
/// </summary>
public sealed class ApplyHaltedException(string message) : Exception(message);

/// <summary>The steps of an install a test can stop the process after (as a crash would), on the apply path.</summary>
internal enum InstallStep
{
    /// <summary>The received store is on disk and checkpointed; the store in use is still the old one.</summary>
    CheckpointSaved,

    /// <summary>The received store is named as the store in use; DotNext has not yet recorded the install.</summary>
    StoreReplaced,
}
