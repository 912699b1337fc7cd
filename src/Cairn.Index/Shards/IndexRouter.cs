using System.Diagnostics;
using Cairn.Core.Errors;
using Cairn.Core.Keys;
using Cairn.Index.Commands;

namespace Cairn.Index.Shards;

/// <summary>
/// The whole index as the catalogs use it, over the ranges of an <see cref="IRangeTable"/>: a command on one key
/// goes to the range owning the key, a bucket's command to every range holding keys of the bucket (each keeps
/// a copy of the bucket's state), a read passes the read barrier of the range(s) it reads. Every answer is checked
/// against the span the range's own store records: a range that split since the table was read refuses a
/// command for a key it gave away (<see cref="S3ErrorCode.RangeMoved"/>) and its snapshot shows the narrower
/// span, so the router waits for the table to catch up and tries again, until <see cref="Patience"/>; a
/// split never fails a request. A single node is the same code over one range owning every key.
/// </summary>
public sealed class IndexRouter(IRangeTable table, IIndexCommandObserver? observer = null)
{
    public static IndexRouter Single(IIndexShard shard, IIndexCommandObserver? observer = null) => new(new SingleShardTable(shard), observer);

    /// <summary>How long a request waits for the range table to catch up with a split before the index is unavailable.</summary>
    public TimeSpan Patience { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The ranges, in key order, as this node knows them now.</summary>
    public IReadOnlyList<IndexRange> Ranges => table.Ranges;

    /// <summary>
    /// The shard of every range, in key order: this node's replica, or a member's through <c>RemoteRangeShard</c>
    /// (ranges whose replica here has not started yet are left out).
    /// </summary>
    public IEnumerable<IIndexShard> Shards => table.Ranges.Select(r => r.Shard).OfType<IIndexShard>();

    public Task<TResult> ExecuteAsync<TResult>(IndexCommand<TResult> command, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var execution = command switch
        {
            IObjectCommand keyed => ExecuteOnKeyAsync(RangeKeys.Point(keyed.Bucket, keyed.Key), command, cancellationToken),
            IBucketCommand bucket => ExecuteOnBucketAsync(bucket.Bucket, command, cancellationToken),
            _ => throw new ArgumentException($"{command.GetType().Name} belongs to one range: run it on that range's shard.", nameof(command)),
        };
        return observer is null ? execution : TimedAsync(command, execution, started, observer);
    }

    private static async Task<TResult> TimedAsync<TResult>(IndexCommand<TResult> command, Task<TResult> execution, long started, IIndexCommandObserver observer)
    {
        try
        {
            return await execution.ConfigureAwait(false);
        }
        finally
        {
            observer.Executed(command, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>Whether two keys are owned by the same range now (a copy shares blobs only within one range).</summary>
    public bool SameRange(string bucketA, string keyA, string bucketB, string keyB) =>
        ReferenceEquals(RangeAt(RangeKeys.Point(bucketA, keyA)), RangeAt(RangeKeys.Point(bucketB, keyB)));

    /// <summary>A snapshot of the range owning (bucket, key), past its read barrier, whose own span holds the key.</summary>
    public async ValueTask<IIndexSnapshot> ReadKeyAsync(string bucket, string key, CancellationToken cancellationToken = default) =>
        (await ReadRangeAtAsync(RangeKeys.Point(bucket, key), ReadScope.Key(bucket, key), cancellationToken).ConfigureAwait(false)).Snapshot;

    /// <summary>
    /// The range owning a point: a snapshot past its read barrier, of at least the rows of <paramref name="scope"/>,
    /// whose own recorded span holds the point.
    /// </summary>
    public async ValueTask<SpannedSnapshot> ReadRangeAtAsync(byte[] point, ReadScope scope, CancellationToken cancellationToken = default)
    {
        using var deadline = Deadline(cancellationToken);
        while (true)
        {
            if (RangeAt(point).Shard is { } shard)
            {
                var snapshot = await shard.ReadAsync(scope, cancellationToken).ConfigureAwait(false);
                var span = ShardSpan.Read(snapshot);
                if (span.Contains(point)) return new SpannedSnapshot(span, snapshot);
                snapshot.Dispose();
            }
            await WaitAsync(deadline, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A walk of a bucket's object rows in key order that reads a range only when the walk reaches it (a listing page).</summary>
    public BucketWalk WalkBucket(CancellationToken cancellationToken = default) => new(this, cancellationToken);

    /// <summary>Every range, each past its read barrier, in key order, each with at least the rows of <paramref name="scope"/>.</summary>
    public async ValueTask<EveryRange> ReadEveryRangeAsync(ReadScope scope, CancellationToken cancellationToken = default)
    {
        using var deadline = Deadline(cancellationToken);
        while (true)
        {
            if (await TryOpenCoveringAsync([], null, scope, cancellationToken).ConfigureAwait(false) is { } parts) return new EveryRange(parts);
            await WaitAsync(deadline, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Snapshots of the ranges over [from, to) (to null: +∞), or null when the spans their stores record do not
    /// cover it without a gap (the table is behind a split) or a range has no shard here yet.
    /// </summary>
    private async ValueTask<IReadOnlyList<SpannedSnapshot>?> TryOpenCoveringAsync(byte[] from, byte[]? to, ReadScope scope, CancellationToken cancellationToken)
    {
        var ranges = table.Ranges;
        var first = IndexOf(ranges, from);
        var parts = new List<SpannedSnapshot>();
        try
        {
            byte[]? covered = from;
            for (var i = first; i < ranges.Count && covered is not null && (to is null || RangeKeys.Compare(covered, to) < 0); i++)
            {
                if (ranges[i].Shard is not { } shard) return Release(parts);
                var snapshot = await shard.ReadAsync(scope, cancellationToken).ConfigureAwait(false);
                var span = ShardSpan.Read(snapshot);
                parts.Add(new SpannedSnapshot(span, snapshot));
                if (!span.Contains(covered)) return Release(parts);
                covered = span.End;
            }
            return covered is null || (to is not null && RangeKeys.Compare(covered, to) >= 0) ? parts : Release(parts);
        }
        catch
        {
            Release(parts);
            throw;
        }
    }

    private static IReadOnlyList<SpannedSnapshot>? Release(List<SpannedSnapshot> parts)
    {
        foreach (var part in parts) part.Snapshot.Dispose();
        return null;
    }

    private async Task<TResult> ExecuteOnKeyAsync<TResult>(byte[] point, IndexCommand<TResult> command, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        while (true)
        {
            if (RangeAt(point).Shard is { } shard)
            {
                try
                {
                    return await shard.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
                }
                catch (S3Exception e) when (e.Code.Code == S3ErrorCode.RangeMoved.Code)
                {
                }
            }
            await WaitAsync(deadline, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// In every range of the bucket; the answer is the one of the range holding the bucket's first point. The
    /// command carries one request id, which each range dedupes on its own. The ranges are found from the spans their
    /// stores record, read (past the read barrier) after the command applied there: a range that split before the
    /// command shows its narrower span, so the walk goes on into the new range; one that splits after it gave the new
    /// range a copy of the bucket state the command made.
    /// </summary>
    private async Task<TResult> ExecuteOnBucketAsync<TResult>(string bucket, IndexCommand<TResult> command, CancellationToken cancellationToken)
    {
        if (command is DeleteBucket delete) return (TResult)(object)await DeleteBucketAsync(delete, cancellationToken).ConfigureAwait(false);
        if (command.RequestId is null) command = command with { RequestId = Guid.NewGuid().ToString("N") };
        return await ExecuteInEveryRangeAsync(bucket, command, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TResult> ExecuteInEveryRangeAsync<TResult>(string bucket, IndexCommand<TResult> command, CancellationToken cancellationToken,
        bool ignoreMissingBucket = false)
    {
        var first = RangeKeys.BucketStart(bucket);
        var answer = await ExecuteOnKeyAsync(first, command, cancellationToken).ConfigureAwait(false);
        await ExecuteFromAsync(await EndOfRangeAtAsync(first, cancellationToken).ConfigureAwait(false), RangeKeys.BucketEnd(bucket), command,
            cancellationToken, ignoreMissingBucket).ConfigureAwait(false);
        return answer;
    }

    /// <summary>
    /// Deleted in every range or in none. First every range of the bucket is closed under one fence (refused where it
    /// holds a version, or a delete marker; a closed range refuses object writes); if one refuses, the others are
    /// reopened and the refusal is the answer. Then each range deletes its copy, the range holding the bucket's first
    /// point (where the bucket is looked up) last; the others answer NoSuchBucket meanwhile. A deleter that dies
    /// between the steps leaves its ranges closed until the closing lapses (<see cref="Records.Closing.Lapse"/> of elapsed
    /// time on the node leading each range, <see cref="Buckets.StalledClosings"/>).
    /// </summary>
    private async Task<Done> DeleteBucketAsync(DeleteBucket command, CancellationToken cancellationToken)
    {
        var fence = command.RequestId ?? Guid.NewGuid().ToString("N");
        var bucket = command.Bucket;
        var closing = Stopwatch.GetTimestamp();
        try
        {
            await ExecuteInEveryRangeAsync(bucket, new CloseBucket(bucket, fence) { At = command.At, RequestId = $"{fence}/close" }, cancellationToken)
                .ConfigureAwait(false);
            // The first closings may lapse soon (a range's leader reopens them after the lapse of its own elapsed time): rather
            // than start deleting so late, this delete gives up while it still changes nothing.
            if (Stopwatch.GetElapsedTime(closing) > Records.Closing.Lapse / 2)
                throw new S3Exception(S3ErrorCode.OperationAborted, "Closing the bucket's ranges took too long; try again.", bucket);
        }
        catch (S3Exception)
        {
            await ExecuteInEveryRangeAsync(bucket, new ReopenBucket(bucket, fence) { At = command.At, RequestId = $"{fence}/reopen" }, cancellationToken)
                .ConfigureAwait(false);
            throw;
        }
        command = command with { Fence = fence, RequestId = fence };
        var first = RangeKeys.BucketStart(bucket);
        var firstEnd = await EndOfRangeAtAsync(first, cancellationToken).ConfigureAwait(false);
        await ExecuteFromAsync(firstEnd, RangeKeys.BucketEnd(bucket), command, cancellationToken).ConfigureAwait(false);
        var deleted = await ExecuteOnKeyAsync(first, command, cancellationToken).ConfigureAwait(false);
        // The first range may have split meanwhile: the part it gave away still holds a copy of the bucket (closed, and empty).
        var after = await EndOfRangeAtAsync(first, cancellationToken).ConfigureAwait(false);
        if (after is not null && RangeKeys.CompareEnd(after, firstEnd) < 0)
            await ExecuteFromAsync(after, firstEnd, command, cancellationToken, ignoreMissingBucket: true).ConfigureAwait(false);
        return deleted;
    }

    /// <summary>Runs a bucket command in every range from <paramref name="from"/> (a range's start) up to <paramref name="to"/>.</summary>
    private async Task ExecuteFromAsync<TResult>(byte[]? from, byte[]? to, IndexCommand<TResult> command, CancellationToken cancellationToken,
        bool ignoreMissingBucket = false)
    {
        for (var point = from; point is not null && RangeKeys.CompareEnd(point, to) < 0;
             point = await EndOfRangeAtAsync(point, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await ExecuteOnKeyAsync(point, command, cancellationToken).ConfigureAwait(false);
            }
            catch (S3Exception e) when (ignoreMissingBucket && e.Code.Code == S3ErrorCode.NoSuchBucket.Code)
            {
            }
        }
    }

    /// <summary>Where the range owning a point ends, as its store records it now (null: +∞).</summary>
    private async Task<byte[]?> EndOfRangeAtAsync(byte[] point, CancellationToken cancellationToken)
    {
        var range = await ReadRangeAtAsync(point, ReadScope.SpanOnly, cancellationToken).ConfigureAwait(false);
        range.Snapshot.Dispose();
        return range.Span.End;
    }

    /// <summary>The range owning a point, as this node's table has it now (a split may not have reached it yet).</summary>
    public IndexRange RangeAt(ReadOnlySpan<byte> point)
    {
        var ranges = table.Ranges;
        return ranges[IndexOf(ranges, point)];
    }

    /// <summary>The last range whose start is at or before the point.</summary>
    private static int IndexOf(IReadOnlyList<IndexRange> ranges, ReadOnlySpan<byte> point)
    {
        int lo = 0, hi = ranges.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (RangeKeys.Compare(ranges[mid].Span.Start, point) <= 0) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    private CancellationTokenSource Deadline(CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Patience);
        return deadline;
    }

    private async Task WaitAsync(CancellationTokenSource deadline, CancellationToken caller)
    {
        try
        {
            await table.WaitForChangeAsync(TimeSpan.FromMilliseconds(100), deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            throw new IndexUnavailableException($"The range table did not catch up within {Patience}.");
        }
    }
}
