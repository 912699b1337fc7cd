using System.Buffers;
using Cairn.Cluster.Meta;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace Cairn.Consensus.Meta;

/// <summary>
/// The meta group's Raft state machine: the <see cref="MetaState"/> in memory, changed by its deterministic
/// <see cref="MetaState.Apply"/>, and written whole as a snapshot every <see cref="RangeReplicaOptions.SnapshotInterval"/>
/// entries (<see cref="MetaSnapshots"/>). Nothing else is written: after a restart the state is the latest
/// snapshot's, whose index is where DotNext's log starts replaying, so no entry is applied twice to it; an
/// entry at or below the state's index is skipped all the same. DotNext never calls <see cref="ApplyAsync"/>
/// concurrently. Each applied entry publishes the new state (one reference) and wakes whoever waits for the
/// next apply.
/// </summary>
internal sealed class MetaGroupStateMachine : IStateMachine
{
    private readonly MetaSnapshots snapshots;
    private readonly AppliedCommands<MetaOutcome> applied;
    private readonly long snapshotInterval;
    private volatile MetaState state;
    private TaskCompletionSource nextApply = NewSignal();
    private volatile bool stopped;
    private int installed;

    public MetaGroupStateMachine(MetaSnapshots snapshots, MetaState restored, AppliedCommands<MetaOutcome> applied, long snapshotInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(snapshotInterval, 1);
        this.snapshots = snapshots;
        this.applied = applied;
        this.snapshotInterval = snapshotInterval;
        state = restored;
    }

    /// <summary>The state after the last applied entry.</summary>
    public MetaState State => state;

    /// <summary>
    /// Completes at the next apply (or install). Take it before reading <see cref="State"/>: an apply between
    /// the two is then either in the state read or completes the task taken.
    /// </summary>
    public Task NextApply => Volatile.Read(ref nextApply).Task;

    /// <summary>How many snapshots sent by a leader this state machine has installed since it started.</summary>
    public int InstalledSnapshots => Volatile.Read(ref installed);

    /// <summary>True once the replica stopped: no entry will be applied any more.</summary>
    public bool Stopped => stopped;

    /// <summary>Returns once this replica has applied the entry at <paramref name="index"/>; throws if it stops first.</summary>
    public async Task WaitForAppliedAsync(long index, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = NextApply;
            if (state.Index >= index) return;
            ObjectDisposedException.ThrowIf(stopped, this);
            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Wakes every waiter a last time: the replica stopped.</summary>
    public void Stop()
    {
        stopped = true;
        Wake();
    }

    ISnapshot? ISnapshotManager.Snapshot => snapshots.Latest;

    ValueTask ISnapshotManager.ReclaimGarbageAsync(long watermark, CancellationToken token)
    {
        snapshots.Reclaim(watermark);
        return ValueTask.CompletedTask;
    }

    public ValueTask<long> ApplyAsync(LogEntry entry, CancellationToken token)
    {
        if (entry.IsSnapshot) return InstallAsync(entry, token);
        var current = state;
        if (entry.Index <= current.Index) return ValueTask.FromResult(current.Index);
        MetaState next;
        (string RequestId, MetaOutcome Outcome)? report = null;
        if (!entry.IsConfiguration && entry.TryGetPayload(out var payload) && !payload.IsEmpty)
        {
            var command = MetaCodec.Decode(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
            (next, var outcome) = current.Apply(entry.Index, entry.Term, command);
            if (outcome is not null) report = (command.RequestId!, outcome);
        }
        else
        {
            next = current.At(entry.Index, entry.Term); // a leader's no-op or a configuration: nothing for the map
        }
        Publish(next);
        if (report is var (requestId, reported)) applied.Report(requestId, reported);
        if (next.Index - snapshots.LatestIndex >= snapshotInterval) snapshots.Take(next);
        return ValueTask.FromResult(next.Index);
    }

    /// <summary>Replaces the whole state with the one a leader sent (this member was behind the leader's log cut).</summary>
    private async ValueTask<long> InstallAsync(LogEntry entry, CancellationToken token)
    {
        var received = await snapshots.ReceiveAsync(entry, token).ConfigureAwait(false);
        Publish(received);
        Interlocked.Increment(ref installed);
        return received.Index;
    }

    private void Publish(MetaState next)
    {
        state = next;
        Wake();
    }

    private void Wake() => Interlocked.Exchange(ref nextApply, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
