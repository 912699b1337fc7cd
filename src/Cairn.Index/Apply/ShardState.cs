using Cairn.Index.Shards;

namespace Cairn.Index.Apply;

/// <summary>
/// What the apply function sees and changes: the shard's state as of the previous command. Reads see
/// every earlier command's writes (even ones not yet on disk); writes are kept until the command
/// succeeds, so a refused command leaves no trace.
/// </summary>
public interface IShardState
{
    byte[]? Get(byte[] key);

    /// <summary>Entries with from ≤ key &lt; to, in byte order.</summary>
    IEnumerable<IndexEntry> Scan(byte[] from, byte[] to);

    void Put(byte[] key, byte[] value);

    void Delete(byte[] key);
}

/// <summary>
/// Writes layered over a read-only base in key order: the base is the durable store (or the layer of
/// the commands before), this layer holds what the commands on top of it wrote. Null marks a delete.
/// </summary>
public sealed class LayeredState(Func<byte[], byte[]?> baseGet, Func<byte[], byte[], IEnumerable<IndexEntry>> baseScan) : IShardState
{
    private readonly SortedDictionary<byte[], byte[]?> writes = new(ByteOrder.Instance);

    public LayeredState(IShardState below) : this(below.Get, below.Scan) { }

    public IReadOnlyCollection<KeyValuePair<byte[], byte[]?>> Writes => writes;

    public bool IsEmpty => writes.Count == 0;

    public byte[]? Get(byte[] key) => writes.TryGetValue(key, out var value) ? value : baseGet(key);

    public void Put(byte[] key, byte[] value) => writes[key] = value;

    public void Delete(byte[] key) => writes[key] = null;

    /// <summary>Moves this layer's writes into the one below it.</summary>
    public void CopyTo(IShardState below)
    {
        foreach (var (key, value) in writes)
            if (value is null) below.Delete(key);
            else below.Put(key, value);
    }

    public void Clear() => writes.Clear();

    public IEnumerable<IndexEntry> Scan(byte[] from, byte[] to)
    {
        if (writes.Count == 0)
        {
            foreach (var entry in baseScan(from, to)) yield return entry;
            yield break;
        }
        // Few writes per layer: filtering them is cheaper than a tree range query.
        using var mine = writes.Where(w => ByteOrder.Instance.Compare(w.Key, from) >= 0 && ByteOrder.Instance.Compare(w.Key, to) < 0).GetEnumerator();
        using var theirs = baseScan(from, to).GetEnumerator();
        var hasMine = mine.MoveNext();
        var hasTheirs = theirs.MoveNext();
        while (hasMine || hasTheirs)
        {
            var order = !hasMine ? 1 : !hasTheirs ? -1 : ByteOrder.Instance.Compare(mine.Current.Key, theirs.Current.Key);
            if (order > 0)
            {
                yield return theirs.Current;
                hasTheirs = theirs.MoveNext();
                continue;
            }
            if (mine.Current.Value is { } value) yield return new IndexEntry(mine.Current.Key, value);
            if (order == 0) hasTheirs = theirs.MoveNext();
            hasMine = mine.MoveNext();
        }
    }
}

/// <summary>Unsigned lexicographic byte order: the order of RocksDB's default comparator.</summary>
public sealed class ByteOrder : IComparer<byte[]>
{
    public static readonly ByteOrder Instance = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
