using System.Buffers;
using System.Collections.Concurrent;
using DotNext.Net.Cluster.Consensus.Raft;

namespace Cairn.Consensus;

/// <summary>
/// Group commit for a range group's leader: commands that arrive while the previous log entry is being
/// appended and committed wait, and go together as the next entry (<see cref="CommandBatch"/>), at most
/// <see cref="RangeReplicaOptions.MaxBatchCommands"/> commands and <see cref="RangeReplicaOptions.MaxBatchBytes"/>
/// bytes. So N concurrent commands cost one entry (one write and one fsync of the entry on every member, one
/// apply, one replication round) instead of N; a lone command is appended at once, as before. One entry is in
/// flight at a time: the next batch forms while it commits. Every command of an entry shares its fate (committed,
/// or the error of its append); each then meets its own outcome through <see cref="AppliedCommands{TOutcome}"/>.
/// Commands forwarded by followers reach the leader's <see cref="GroupCommands{TOutcome}.LeadAsync"/> and join
/// the same batches.
/// </summary>
internal sealed class CommandBatcher : ICommandLog
{
    private readonly IRaftCluster cluster;
    private readonly int maxCommands;
    private readonly int maxBytes;
    private readonly Func<int, Task>? probe;
    private readonly ConcurrentQueue<Pending> queue = new();
    // Only the drain loop (one at a time, under `draining`) touches these.
    private readonly List<Pending> batch = [];
    private readonly List<ReadOnlyMemory<byte>> payloads = [];
    private int draining;

    public CommandBatcher(IRaftCluster cluster, RangeReplicaOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchCommands, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchBytes, 1);
        this.cluster = cluster;
        maxCommands = options.MaxBatchCommands;
        maxBytes = options.MaxBatchBytes;
        probe = options.BatchProbe;
    }

    public Task AppendAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        var pending = new Pending(command, cancellationToken);
        queue.Enqueue(pending);
        if (Interlocked.CompareExchange(ref draining, 1, 0) == 0)
        {
            // The loop outlives this caller: it must not carry the caller's context (logging scopes, activities).
            using (ExecutionContext.SuppressFlow()) _ = Task.Run(DrainAsync, CancellationToken.None);
        }
        return pending.Task.WaitAsync(cancellationToken);
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            Take();
            if (batch.Count == 0)
            {
                Volatile.Write(ref draining, 0);
                // A command queued after the queue looked empty but before the flag dropped found the loop still
                // running: take it over, unless a caller already started a new loop.
                if (queue.IsEmpty || Interlocked.CompareExchange(ref draining, 1, 0) != 0) return;
                continue;
            }
            await AppendBatchAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The next batch, in arrival order; a command whose caller already gave up is dropped (never appended).</summary>
    private void Take()
    {
        batch.Clear();
        payloads.Clear();
        long bytes = 0;
        while (batch.Count < maxCommands && queue.TryPeek(out var next))
        {
            if (batch.Count > 0 && bytes + next.Command.Length > maxBytes) break;
            queue.TryDequeue(out _);
            if (next.Abandoned) continue;
            batch.Add(next);
            payloads.Add(next.Command);
            bytes += next.Command.Length;
        }
    }

    private async Task AppendBatchAsync()
    {
        byte[]? rented = null;
        try
        {
            ReadOnlyMemory<byte> entry;
            if (payloads.Count == 1)
            {
                entry = payloads[0];
            }
            else
            {
                rented = ArrayPool<byte>.Shared.Rent(CommandBatch.EncodedLength(payloads));
                entry = rented.AsMemory(0, CommandBatch.Write(rented, payloads));
            }
            if (probe is not null) await probe(batch.Count).ConfigureAwait(false);
            // Not any caller's token: the entry is shared. It ends when committed, or when this member stops leading.
            await cluster.ReplicateAsync(entry, null, CancellationToken.None).ConfigureAwait(false);
            foreach (var pending in batch) pending.TrySetResult();
        }
        catch (Exception e)
        {
            foreach (var pending in batch) pending.TrySetException(e);
        }
        finally
        {
            // The log copied the entry when it was appended; it is committed (or failed) by now.
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private sealed class Pending(ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
        : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public ReadOnlyMemory<byte> Command { get; } = command;

        public bool Abandoned => cancellationToken.IsCancellationRequested;
    }
}
