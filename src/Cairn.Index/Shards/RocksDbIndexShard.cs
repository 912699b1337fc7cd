using System.Collections.Concurrent;
using Cairn.Core.Errors;
using Cairn.Index.Apply;
using Cairn.Index.Commands;
using Cairn.Index.Records;
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
    /// <summary>Format 2: object rows under their (bucket, key) prefix; see <see cref="IndexKeys"/>.</summary>
    private const byte Format = 2;

    private readonly RocksDb db;
    private readonly ShardStateMachine machine;
    private readonly WriteOptions syncWrite = new WriteOptions().SetSync(true);
    private readonly ConcurrentQueue<PendingCommand> queue = new();
    private readonly SemaphoreSlim queued = new(0);
    private readonly Thread applier;
    private volatile bool stopping;

    public RocksDbIndexShard(string path, ShardStateMachine machine)
    {
        this.machine = machine;
        Directory.CreateDirectory(path);
        // Memtables of 16 MiB (RocksDB's default is 64 MiB, two of them): small objects live inline in the
        // index, and a burst of them otherwise left ~130 MiB of memtable resident in the server.
        var options = new DbOptions().SetCreateIfMissing(true)
            .SetWriteBufferSize(16UL * 1024 * 1024)
            .SetMaxWriteBufferNumber(2);
        db = RocksDb.Open(options, path);
        CheckFormat(path);
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

    public IIndexSnapshot OpenSnapshot() => new RocksDbSnapshot(db);

    /// <summary>One process applies and reads: whatever was acknowledged is already in the store.</summary>
    public ValueTask ReadBarrierAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    private void ApplyLoop()
    {
        var group = new List<PendingCommand>();
        var groupState = new LayeredState(key => db.Get(key), (from, to) => RocksDbSnapshot.Scan(db, null, from, to));
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
                var commandState = new LayeredState(groupState);
                try
                {
                    pending.Result = machine.Apply(commandState, pending.Command);
                    commandState.CopyTo(groupState);
                }
                catch (Exception e)
                {
                    pending.Error = e;
                }
            }
            try
            {
                if (!groupState.IsEmpty)
                {
                    using var writeBatch = new WriteBatch();
                    foreach (var (key, value) in groupState.Writes)
                        if (value is null) writeBatch.Delete(key);
                        else writeBatch.Put(key, value);
                    db.Write(writeBatch, syncWrite);
                }
                foreach (var pending in group) pending.Complete();
            }
            catch (Exception e)
            {
                foreach (var pending in group) pending.Fail(e);
            }
            if (stopping && queue.IsEmpty) return;
        }
    }

    /// <summary>A store written in an older layout is upgraded in place first; one in an unknown layout is refused.</summary>
    private void CheckFormat(string path)
    {
        if (db.Get(IndexKeys.FormatKey()) is [var format])
        {
            if (format != Format) throw new InvalidDataException($"The index at {path} has format {format}; this Cairn reads format {Format}.");
            return;
        }
        if (FormatOneUpgrade.IsFormatOne(db)) FormatOneUpgrade.Run(db, syncWrite);
        else
        {
            using var iterator = db.NewIterator();
            iterator.SeekToFirst();
            if (iterator.Valid()) throw new InvalidDataException($"The index at {path} is in no format this Cairn knows.");
        }
        db.Put(IndexKeys.FormatKey(), new byte[] { Format }, null, syncWrite);
    }

    public ValueTask DisposeAsync()
    {
        stopping = true;
        queued.Release();
        applier.Join();
        db.Dispose();
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
    private readonly ReadOptions readOptions;
    private Iterator? seeker;

    public RocksDbSnapshot(RocksDb db)
    {
        this.db = db;
        snapshot = db.CreateSnapshot();
        readOptions = new ReadOptions().SetSnapshot(snapshot);
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
        snapshot.Dispose();
    }
}
