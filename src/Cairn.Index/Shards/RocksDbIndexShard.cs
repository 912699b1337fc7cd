using System.Collections.Concurrent;
using Cairn.Core.Errors;
using Cairn.Index.Apply;
using Cairn.Index.Commands;
using RocksDbSharp;

namespace Cairn.Index.Shards;

/// <summary>
/// A single local shard on RocksDB. One thread applies commands in arrival order with the shard's
/// <see cref="ShardStateMachine"/>; every command queued while the previous fsync ran is applied over the
/// writes of the ones before it and the whole group goes to disk as one synced WriteBatch, so many small
/// PUTs share one fsync. A command's result is released only once its group is durable.
/// </summary>
public sealed class RocksDbIndexShard : IIndexShard
{
    private readonly IndexStore store;
    private readonly ShardStateMachine machine;
    private readonly ConcurrentQueue<PendingCommand> queue = new();
    private readonly SemaphoreSlim queued = new(0);
    private readonly Thread applier;
    private volatile bool stopping;

    public RocksDbIndexShard(string path, ShardStateMachine machine)
    {
        this.machine = machine;
        store = IndexStore.Open(path);
        applier = new Thread(ApplyLoop) { IsBackground = true, Name = "index-apply" };
        applier.Start();
    }

    public Task<TResult> ExecuteAsync<TResult>(IndexCommand<TResult> command, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(stopping, this);
        var pending = new PendingCommand<TResult>(command);
        queue.Enqueue(pending);
        queued.Release();
        return pending.Completion.Task;
    }

    public IIndexSnapshot OpenSnapshot() => store.OpenSnapshot();

    /// <summary>One process applies and reads: whatever was acknowledged is already in the store.</summary>
    public ValueTask ReadBarrierAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>The whole store: every acknowledged command is already applied here.</summary>
    public ValueTask<IIndexSnapshot> ReadAsync(ReadScope scope, CancellationToken cancellationToken = default) => ValueTask.FromResult(OpenSnapshot());

    private void ApplyLoop()
    {
        var group = new List<PendingCommand>();
        var groupState = store.NewLayer();
        while (true)
        {
            queued.Wait();
            if (stopping && queue.IsEmpty) return;
            group.Clear();
            while (queue.TryDequeue(out var next)) group.Add(next);
            // Account for the extra releases that belong to the commands taken in this group.
            for (var i = 1; i < group.Count; i++) queued.Wait(0);
            if (group.Count == 0) continue;
            groupState.Clear();
            foreach (var pending in group)
            {
                try
                {
                    pending.Result = machine.ApplyAtomically(groupState, pending.Command);
                }
                catch (Exception e)
                {
                    pending.Error = e;
                }
            }
            try
            {
                store.Write(groupState);
                foreach (var pending in group) pending.Complete();
            }
            catch (Exception e)
            {
                foreach (var pending in group) pending.Fail(e);
            }
            if (stopping && queue.IsEmpty) return;
        }
    }

    public ValueTask DisposeAsync()
    {
        stopping = true;
        queued.Release();
        applier.Join();
        store.Dispose();
        return ValueTask.CompletedTask;
    }

    private abstract class PendingCommand(IndexCommand command)
    {
        public IndexCommand Command { get; } = command;
        public object? Result { get; set; }
        public Exception? Error { get; set; }

        public abstract void Complete();

        public abstract void Fail(Exception e);
    }

    private sealed class PendingCommand<TResult>(IndexCommand<TResult> command) : PendingCommand(command)
    {
        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Complete()
        {
            if (Error is not null) Completion.TrySetException(Error);
            else Completion.TrySetResult((TResult)Result!);
        }

        public override void Fail(Exception e) => Completion.TrySetException(e);
    }
}

/// <summary>A RocksDB snapshot: every read through it sees the store as it was when it was opened.</summary>
internal sealed class RocksDbSnapshot : IIndexSnapshot
{
    private readonly RocksDb db;
    private readonly Snapshot snapshot;
    private readonly ReadOptionsPool pool;
    private readonly ReadOptions readOptions;
    private Iterator? seeker;

    public RocksDbSnapshot(RocksDb db, ReadOptionsPool pool)
    {
        this.db = db;
        this.pool = pool;
        snapshot = db.CreateSnapshot();
        readOptions = pool.Rent(snapshot);
    }

    public byte[]? Get(byte[] key) => db.Get(key, null, readOptions);

    public IEnumerable<IndexEntry> Scan(byte[] from, byte[] to) => Scan(db, readOptions, from, to);

    public static IEnumerable<IndexEntry> Scan(RocksDb db, ReadOptions? readOptions, byte[] from, byte[] to)
    {
        using var iterator = db.NewIterator(null, readOptions);
        iterator.Seek(from);
        while (iterator.Valid())
        {
            var key = iterator.Key();
            if (key.AsSpan().SequenceCompareTo(to) >= 0) yield break;
            yield return new IndexEntry(key, iterator.Value());
            iterator.Next();
        }
    }

    public IndexEntry? First(byte[] from, byte[] to)
    {
        seeker ??= db.NewIterator(null, readOptions);
        seeker.Seek(from);
        if (!seeker.Valid()) return null;
        var key = seeker.Key();
        return key.AsSpan().SequenceCompareTo(to) < 0 ? new IndexEntry(key, seeker.Value()) : null;
    }

    public void Dispose()
    {
        seeker?.Dispose();
        pool.Return(readOptions);
        snapshot.Dispose();
    }
}

/// <summary>
/// Read options for snapshots, reused: RocksDbSharp's ReadOptions has no Dispose, only a finalizer, so one made per
/// snapshot (several a request) kept the finalizer thread busy destroying them. Bounded; an options object is
/// detached from its snapshot before it waits for the next one.
/// </summary>
internal sealed class ReadOptionsPool
{
    private const int Capacity = 256;

    private readonly System.Collections.Concurrent.ConcurrentQueue<ReadOptions> idle = new();

    public ReadOptions Rent(Snapshot snapshot) => (idle.TryDequeue(out var options) ? options : new ReadOptions()).SetSnapshot(snapshot);

    public void Return(ReadOptions options)
    {
        Native.Instance.rocksdb_readoptions_set_snapshot(options.Handle, IntPtr.Zero);
        if (idle.Count < Capacity) idle.Enqueue(options);
    }
}
