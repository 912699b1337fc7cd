namespace Cairn.Index.Shards;

/// <summary>An atomic set of puts and deletes: the unit in which a name changes meaning.</summary>
public sealed class IndexBatch
{
    private readonly List<(byte[] Key, byte[]? Value)> operations = [];

    public IReadOnlyList<(byte[] Key, byte[]? Value)> Operations => operations;

    public IndexBatch Put(byte[] key, byte[] value)
    {
        operations.Add((key, value));
        return this;
    }

    public IndexBatch Delete(byte[] key)
    {
        operations.Add((key, null));
        return this;
    }
}
