namespace Cairn.Index.Shards;

/// <summary>
/// The index seam: one key-range shard of the ordered map. The local implementation is RocksDB;
/// a replicated one puts Raft under the same three operations without the callers noticing.
/// </summary>
public interface IIndexShard : IAsyncDisposable
{
    ValueTask<byte[]?> GetAsync(byte[] key, CancellationToken cancellationToken = default);

    /// <summary>Entries with from ≤ key &lt; to, in byte order; lazily, so huge ranges stream.</summary>
    IAsyncEnumerable<IndexEntry> ScanAsync(byte[] from, byte[] to, CancellationToken cancellationToken = default);

    /// <summary>Applies every operation of the batch atomically and durably (synced) before completing.</summary>
    Task CommitAsync(IndexBatch batch, CancellationToken cancellationToken = default);

    /// <summary>Returns once every commit acknowledged before the call is visible to reads here.</summary>
    ValueTask ReadBarrierAsync(CancellationToken cancellationToken = default);
}

public readonly record struct IndexEntry(byte[] Key, byte[] Value);
