using Cairn.Index.Commands;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Buckets;

/// <summary>
/// Ends the closings a DeleteBucket left on ranges and never finished (its deleter died between closing and deleting):
/// a closing this node has seen on a range it tends for <see cref="Closing.Lapse"/> of elapsed time is reopened under its
/// fence, so the bucket takes writes again and that delete's later steps are refused. Elapsed time is the node's
/// monotonic clock, never a difference of wall clocks: a node whose clock runs minutes ahead (or behind) neither ends a
/// closing early nor keeps it for good. The first sighting starts the count, so a closing lasts at least the lapse after
/// it was applied, longer when the range's leadership moves (the new leader starts counting afresh).
/// </summary>
public sealed class StalledClosings(IndexRouter index, TimeProvider time)
{
    private Dictionary<Sighting, long> firstSeen = [];

    /// <summary>Reopens the closings held past the lapse on the ranges <paramref name="ranges"/> accepts; how many it reopened.</summary>
    public async Task<int> ReopenAsync(Func<IIndexShard, bool> ranges, CancellationToken cancellationToken = default)
    {
        var now = time.GetTimestamp();
        var holding = new Dictionary<Sighting, long>();
        var reopened = 0;
        foreach (var shard in index.Shards.Where(ranges).ToArray())
        {
            foreach (var (bucket, fence) in await ClosingsAsync(shard, cancellationToken).ConfigureAwait(false))
            {
                var sighting = new Sighting(shard, bucket, fence);
                var since = firstSeen.GetValueOrDefault(sighting, now);
                if (time.GetElapsedTime(since, now) < Closing.Lapse)
                {
                    holding[sighting] = since;
                    continue;
                }
                await shard.ExecuteAsync(new ReopenBucket(bucket, fence) { At = time.GetUtcNow(), RequestId = $"{fence}/lapse" }, cancellationToken)
                    .ConfigureAwait(false);
                reopened++;
            }
        }
        firstSeen = holding;
        return reopened;
    }

    private static async Task<List<(string Bucket, string Fence)>> ClosingsAsync(IIndexShard shard, CancellationToken cancellationToken)
    {
        using var snapshot = await shard.ReadAsync(ReadScope.Rows(IndexKeys.BucketsStart(), IndexKeys.BucketsEnd()), cancellationToken).ConfigureAwait(false);
        return snapshot.Scan(IndexKeys.BucketsStart(), IndexKeys.BucketsEnd())
            .Select(entry => IndexJson.DecodeBucket(entry.Value))
            .Where(bucket => bucket.ClosedFor is not null)
            .Select(bucket => (bucket.Name, bucket.ClosedFor!.Fence))
            .ToList();
    }

    private sealed record Sighting(IIndexShard Range, string Bucket, string Fence);
}
