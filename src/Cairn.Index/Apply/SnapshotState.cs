using Cairn.Index.Shards;

namespace Cairn.Index.Apply;

/// <summary>A snapshot seen as read-only shard state, so read paths use the same typed readers as the apply.</summary>
internal sealed class SnapshotState(IIndexSnapshot snapshot) : IShardState
{
    public byte[]? Get(byte[] key) => snapshot.Get(key);
    public IEnumerable<IndexEntry> Scan(byte[] from, byte[] to) => snapshot.Scan(from, to);
    public void Put(byte[] key, byte[] value) => throw new InvalidOperationException("A snapshot is read-only.");
    public void Delete(byte[] key) => throw new InvalidOperationException("A snapshot is read-only.");
}
