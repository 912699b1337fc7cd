namespace Cairn.Index.Shards;

/// <summary>
/// The ranges the index is split into right now and the shard serving each here: a single node's one shard
/// owning every key, or a cluster node's replicas of the range groups as its copy of the range map names them.
/// The table may lag the truth (a split this node has not heard of yet); <see cref="IndexRouter"/> checks every
/// answer against the span the shard itself records and waits for the table to catch up.
/// </summary>
public interface IRangeTable
{
    /// <summary>Contiguous and in key order: the first starts at the empty point, the last ends at +∞.</summary>
    IReadOnlyList<IndexRange> Ranges { get; }

    /// <summary>Completes when the table may have changed, or after <paramref name="patience"/> at most.</summary>
    Task WaitForChangeAsync(TimeSpan patience, CancellationToken cancellationToken);
}

/// <summary>
/// One range as the table knows it: its span, its name (a range group's, e.g. g1) and the shard serving it
/// here, null while this node has not started its replica (a split's new half).
/// </summary>
public sealed record IndexRange(string Name, ShardSpan Span, IIndexShard? Shard);

/// <summary>A single node: one shard owning every key.</summary>
public sealed class SingleShardTable(IIndexShard shard) : IRangeTable
{
    public IReadOnlyList<IndexRange> Ranges { get; } = [new IndexRange("index", ShardSpan.Whole, shard)];

    public Task WaitForChangeAsync(TimeSpan patience, CancellationToken cancellationToken) => Task.Delay(patience, cancellationToken);
}
