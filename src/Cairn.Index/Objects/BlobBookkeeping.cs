using Cairn.Core.Blobs;
using Cairn.Index.Commands;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Objects;

/// <summary>A reaped blob waiting for its bytes to be freed, in the queue of the range that let it go.</summary>
public sealed record QueuedFree(byte[] QueueKey, BlobLayout Blob)
{
    /// <summary>The range whose queue holds it: the one that must forget it.</summary>
    internal IIndexShard? Range { get; init; }
}

/// <summary>
/// The index's view of blob ownership for the GC and scrub: which blobs are referenced (a blob may have
/// several owners: a copy shares its source's), and the queue of blobs whose last owner let go. Both are
/// range-local tables: every range keeps the references of its own keys and its own queue, and this walks them all.
/// </summary>
public sealed class BlobBookkeeping(IndexRouter index, TimeProvider time)
{
    public async Task<bool> IsReferencedAsync(string blobId, CancellationToken cancellationToken = default) =>
        await ReferenceAsync(blobId, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>One owner's reference to the blob, with the blob's current layout; null when nothing references it.</summary>
    public async Task<BlobReference?> ReferenceAsync(string blobId, CancellationToken cancellationToken = default)
    {
        var (from, to) = IndexKeys.ReferencesOf(blobId);
        using var ranges = await index.ReadEveryRangeAsync(ReadScope.Rows(from, to), cancellationToken).ConfigureAwait(false);
        return ranges.ScanEach(from, to).Select(e => IndexJson.DecodeReference(e.Entry.Value)).FirstOrDefault();
    }

    /// <summary>
    /// Every referenced blob once per range holding it, with its layout: what scrub walks. Range by range (a range whose
    /// replica has not started here yet waits for the next walk); a range this node holds no replica of is read from a
    /// member a window at a time.
    /// </summary>
    public async IAsyncEnumerable<BlobReference> ReferencesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var end = IndexKeys.ReferencesEnd();
        foreach (var shard in index.Shards)
        {
            string? previous = null;
            for (byte[]? from = IndexKeys.ReferencesStart(); from is not null;)
            {
                using var snapshot = await shard.ReadAsync(ReadScope.Window(from, end), cancellationToken).ConfigureAwait(false);
                var to = FetchedSnapshot.ReadableTo(snapshot, end);
                foreach (var entry in snapshot.Scan(from, to))
                {
                    var reference = IndexJson.DecodeReference(entry.Value);
                    if (reference.Layout?.BlobId is not { } blobId || blobId == previous) continue;
                    previous = blobId;
                    yield return reference;
                }
                from = ReferenceEquals(to, end) ? null : to;
            }
        }
    }

    /// <summary>
    /// The oldest queued frees of each range (of each of <paramref name="ranges"/>, when given: the node leading a
    /// range drains its queue), at most <paramref name="max"/> of them in all.
    /// </summary>
    public async Task<IReadOnlyList<QueuedFree>> QueuedFreesAsync(int max = 1000, Func<IIndexShard, bool>? ranges = null, CancellationToken cancellationToken = default)
    {
        var frees = new List<QueuedFree>();
        foreach (var shard in index.Shards.Where(s => ranges is null || ranges(s)))
        {
            if (frees.Count >= max) break;
            using var snapshot = await shard.ReadAsync(ReadScope.Window(IndexKeys.FreeStart(), IndexKeys.FreeEnd(), max - frees.Count), cancellationToken)
                .ConfigureAwait(false);
            frees.AddRange(snapshot.Scan(IndexKeys.FreeStart(), FetchedSnapshot.ReadableTo(snapshot, IndexKeys.FreeEnd())).Take(max - frees.Count)
                .Select(e => new QueuedFree(e.Key, IndexJson.DecodeBlob(e.Value)) { Range = shard }));
        }
        return frees;
    }

    /// <summary>
    /// The blobs on the ranges' repair lists (written with fragments missing: a drive was down), at most
    /// <paramref name="max"/>, each with the range listing it.
    /// </summary>
    public async Task<IReadOnlyList<(string BlobId, IIndexShard Range)>> DegradedAsync(int max = 1000, CancellationToken cancellationToken = default)
    {
        var listed = new List<(string, IIndexShard)>();
        foreach (var shard in index.Shards)
        {
            if (listed.Count >= max) break;
            using var snapshot = await shard.ReadAsync(ReadScope.Window(IndexKeys.DegradedStart(), IndexKeys.DegradedEnd(), max - listed.Count), cancellationToken)
                .ConfigureAwait(false);
            listed.AddRange(snapshot.Scan(IndexKeys.DegradedStart(), FetchedSnapshot.ReadableTo(snapshot, IndexKeys.DegradedEnd())).Take(max - listed.Count)
                .Select(e => (IndexKeys.BlobOfDegradedKey(e.Key), shard)));
        }
        return listed;
    }

    /// <summary>Takes a blob repair found whole (or unreferenced) off a range's repair list.</summary>
    public Task ForgetDegradedAsync(string blobId, IIndexShard range, CancellationToken cancellationToken = default) =>
        range.ExecuteAsync(new ForgetDegraded(blobId) { At = time.GetUtcNow() }, cancellationToken);

    public Task CompleteFreeAsync(QueuedFree free, CancellationToken cancellationToken = default) =>
        (free.Range ?? throw new ArgumentException("The free was not read from a range.", nameof(free)))
            .ExecuteAsync(new ForgetFree(free.QueueKey) { At = time.GetUtcNow() }, cancellationToken);
}
