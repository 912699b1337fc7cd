using Cairn.Index.Commands;

namespace Cairn.Index.Shards;

/// <summary>
/// The index seam: one key-range shard of the ordered map. Every change is a typed command that the
/// shard applies with one deterministic function (<see cref="Apply.ShardStateMachine"/>) against its own
/// state; reads are snapshot reads. The local implementation is RocksDB; a replicated one feeds the same
/// commands through a Raft log without the callers noticing.
/// </summary>
public interface IIndexShard : IAsyncDisposable
{
    /// <summary>
    /// Applies the command inside the shard, atomically and durably (synced) before completing, and returns
    /// its result. A refused precondition completes with the typed S3 error and changes nothing.
    /// </summary>
    Task<TResult> ExecuteAsync<TResult>(IndexCommand<TResult> command, CancellationToken cancellationToken = default);

    /// <summary>Returns once every command acknowledged before the call is visible to reads here.</summary>
    ValueTask ReadBarrierAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// A consistent point-in-time view, past the read barrier, of at least the rows of <paramref name="scope"/>: a
    /// local store gives all of its rows; a range this node holds no replica of gives just those, fetched from a member.
    /// </summary>
    ValueTask<IIndexSnapshot> ReadAsync(ReadScope scope, CancellationToken cancellationToken = default);
}

/// <summary>Reads at one point in the shard's history: nothing applied after it was opened is seen.</summary>
public interface IIndexSnapshot : IDisposable
{
    byte[]? Get(byte[] key);

    /// <summary>Entries with from ≤ key &lt; to, in byte order; lazily, so huge ranges stream.</summary>
    IEnumerable<IndexEntry> Scan(byte[] from, byte[] to);

    /// <summary>The first entry with from ≤ key &lt; to: one seek, for walks that jump from key to key.</summary>
    IndexEntry? First(byte[] from, byte[] to);
}

public readonly record struct IndexEntry(byte[] Key, byte[] Value);
