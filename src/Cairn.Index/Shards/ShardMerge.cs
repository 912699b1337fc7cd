using Cairn.Core.Keys;
using Cairn.Index.Apply;
using Cairn.Index.Records;

namespace Cairn.Index.Shards;

/// <summary>
/// What the left range of a merge takes of the right range's state, the inverse of <see cref="ShardSplit"/>: every
/// object row (the right's span held them alone); the range-local rows — blob references (pins included: a blob pinned
/// across a split stays pinned), the free queue, the repair list, the billing ledger; request-id outcomes, so a retry of
/// a request the right applied is answered, not applied again (the left's outcome wins where both applied one request,
/// as a bucket command is); the sequence counter at the larger of the two, so a version written after the merge sorts
/// after every version either range wrote. A bucket's record, lifecycle rules and settings are the right's where the bucket's first
/// point lay in the right (that range was where the bucket was looked up), else the left's, else the right's copy.
/// A ledger line whose key the left already holds (the two counters assigned one sequence) gets a fresh sequence.
/// </summary>
public static class ShardMerge
{
    /// <summary>Writes into <paramref name="left"/> the rows of <paramref name="right"/> (whose keys started at <paramref name="rightStart"/>) and the span <paramref name="merged"/>.</summary>
    public static void Absorb(IShardState left, IIndexSnapshot right, byte[] rightStart, ShardSpan merged, DateTimeOffset at)
    {
        var tables = new ShardTables(left);
        var rightSpan = new ShardSpan(rightStart, merged.End);
        var collided = new List<IndexEntry>();
        foreach (var row in right.Scan([], [0xFF]))
        {
            if (IndexKeys.IsObjectRow(row.Key))
            {
                if (merged.ContainsRow(row.Key)) left.Put(row.Key, row.Value);
            }
            else if (IndexKeys.BucketOfBucketRow(row.Key) is { } bucket)
            {
                if (rightSpan.Contains(RangeKeys.BucketStart(bucket)) || left.Get(row.Key) is null) left.Put(row.Key, row.Value);
            }
            else if (IndexKeys.IsShardStateRow(row.Key))
            {
                // Of the shard's own rows only request outcomes carry over: the applied index, span and format are the left's, the sequence is taken below.
                if (IndexKeys.IsRequestRow(row.Key) && left.Get(row.Key) is null) left.Put(row.Key, row.Value);
            }
            else if (left.Get(row.Key) is { } mine)
            {
                if (IndexKeys.IsLedgerRow(row.Key) && !mine.AsSpan().SequenceEqual(row.Value)) collided.Add(row);
            }
            else
            {
                left.Put(row.Key, row.Value);
            }
        }
        if (right.Get(IndexKeys.SequenceKey()) is { } theirs && ShardTables.Decode(theirs) > (left.Get(IndexKeys.SequenceKey()) is { } ours ? ShardTables.Decode(ours) : 0))
            left.Put(IndexKeys.SequenceKey(), theirs);
        foreach (var line in collided) left.Put(IndexKeys.LedgerKey(IndexKeys.BucketOfLedgerRow(line.Key), tables.NextSequence(at)), line.Value);
        left.Put(IndexKeys.SpanKey(), merged.Encode());
    }

    /// <summary>How many keys of the span hold a current version, counting no further than <paramref name="atMost"/>.</summary>
    public static long Objects(IIndexSnapshot snapshot, ShardSpan span, long atMost)
    {
        long objects = 0;
        foreach (var row in snapshot.Scan(span.RowsFrom, span.RowsTo))
        {
            var point = IndexKeys.PointOfObjectRow(row.Key);
            if (row.Key.Length == point.Length + 3 && row.Key[^1] == (byte)ObjectRowTag.Current && ++objects >= atMost) break;
        }
        return objects;
    }
}
