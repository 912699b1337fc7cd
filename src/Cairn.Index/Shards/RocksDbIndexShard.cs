using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using RocksDbSharp;

namespace Cairn.Index.Shards;

/// <summary>
/// A single local shard on RocksDB. Commits are group-committed: a dedicated thread drains every
/// batch queued while the previous fsync ran and writes them as one synced WriteBatch, so many
/// small PUTs share one fsync.
/// </summary>
public sealed class RocksDbIndexShard : IIndexShard
{
    private readonly RocksDb db;
    private readonly WriteOptions syncWrite = new WriteOptions().SetSync(true);
    private readonly ConcurrentQueue<PendingCommit> queue = new();
    private readonly SemaphoreSlim queued = new(0);
    private readonly Thread committer;
    private volatile bool stopping;

    public RocksDbIndexShard(string path)
    {
        Directory.CreateDirectory(path);
        // Memtables of 16 MiB (RocksDB's default is 64 MiB, two of them): small objects live inline in the
        // index, and a burst of them otherwise left ~130 MiB of memtable resident in the server.
        var options = new DbOptions().SetCreateIfMissing(true)
            .SetWriteBufferSize(16UL * 1024 * 1024)
            .SetMaxWriteBufferNumber(2);
        db = RocksDb.Open(options, path);
        committer = new Thread(CommitLoop) { IsBackground = true, Name = "index-group-commit" };
        committer.Start();
    }

    public ValueTask<byte[]?> GetAsync(byte[] key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<byte[]?>(db.Get(key));

    public async IAsyncEnumerable<IndexEntry> ScanAsync(byte[] from, byte[] to,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var iterator = db.NewIterator();
        iterator.Seek(from);
        var yielded = 0;
        while (iterator.Valid())
        {
            var key = iterator.Key();
            if (key.AsSpan().SequenceCompareTo(to) >= 0) yield break;
            yield return new IndexEntry(key, iterator.Value());
            iterator.Next();
            // Long scans give the thread back now and then instead of monopolising it.
            if (++yielded % 1024 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await Task.Yield();
            }
        }
    }

    public Task CommitAsync(IndexBatch batch, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(stopping, this);
        var pending = new PendingCommit(batch);
        queue.Enqueue(pending);
        queued.Release();
        return pending.Completion.Task;
    }

    public ValueTask ReadBarrierAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    private void CommitLoop()
    {
        var group = new List<PendingCommit>();
        while (true)
        {
            queued.Wait();
            if (stopping && queue.IsEmpty) return;
            group.Clear();
            while (queue.TryDequeue(out var next)) group.Add(next);
            // Account for the extra releases that belong to the commits taken in this group.
            for (var i = 1; i < group.Count; i++) queued.Wait(0);
            if (group.Count == 0) continue;
            try
            {
                using var writeBatch = new WriteBatch();
                foreach (var pending in group)
                    foreach (var (key, value) in pending.Batch.Operations)
                        if (value is null) writeBatch.Delete(key);
                        else writeBatch.Put(key, value);
                db.Write(writeBatch, syncWrite);
                foreach (var pending in group) pending.Completion.TrySetResult();
            }
            catch (Exception e)
            {
                foreach (var pending in group) pending.Completion.TrySetException(e);
            }
            if (stopping && queue.IsEmpty) return;
        }
    }

    public ValueTask DisposeAsync()
    {
        stopping = true;
        queued.Release();
        committer.Join();
        db.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class PendingCommit(IndexBatch batch)
    {
        public IndexBatch Batch { get; } = batch;
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
