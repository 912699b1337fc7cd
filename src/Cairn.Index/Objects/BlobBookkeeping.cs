using Cairn.Core.Blobs;
using Cairn.Index.Commands;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Objects;

/// <summary>A reaped blob waiting for its bytes to be freed.</summary>
public sealed record QueuedFree(byte[] QueueKey, BlobLayout Blob);

/// <summary>
/// The index's view of blob ownership for the GC and scrub: which blobs are referenced (a blob may have
/// several owners: a copy shares its source's), and the queue of blobs whose last owner let go.
/// </summary>
public sealed class BlobBookkeeping(IIndexShard shard, TimeProvider time)
{
    public async Task<bool> IsReferencedAsync(string blobId, CancellationToken cancellationToken = default) =>
        await ReferenceAsync(blobId, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>One owner's reference to the blob, with the blob's current layout; null when nothing references it.</summary>
    public async Task<BlobReference?> ReferenceAsync(string blobId, CancellationToken cancellationToken = default)
    {
        await shard.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        using var snapshot = shard.OpenSnapshot();
        var (from, to) = IndexKeys.ReferencesOf(blobId);
        return snapshot.Scan(from, to).Select(e => IndexJson.DecodeReference(e.Value)).FirstOrDefault();
    }

    /// <summary>Every referenced blob once, with its layout: what scrub walks.</summary>
    public IEnumerable<BlobReference> References()
    {
        using var snapshot = shard.OpenSnapshot();
        string? previous = null;
        foreach (var entry in snapshot.Scan(IndexKeys.ReferencesStart(), IndexKeys.ReferencesEnd()))
        {
            var reference = IndexJson.DecodeReference(entry.Value);
            if (reference.Layout?.BlobId is not { } blobId || blobId == previous) continue;
            previous = blobId;
            yield return reference;
        }
    }

    /// <summary>The oldest queued frees, at most <paramref name="max"/> of them.</summary>
    public IReadOnlyList<QueuedFree> QueuedFrees(int max = 1000)
    {
        using var snapshot = shard.OpenSnapshot();
        return snapshot.Scan(IndexKeys.FreeStart(), IndexKeys.FreeEnd()).Take(max).Select(e => new QueuedFree(e.Key, IndexJson.DecodeBlob(e.Value))).ToList();
    }

    public Task CompleteFreeAsync(QueuedFree free, CancellationToken cancellationToken = default) =>
        shard.ExecuteAsync(new ForgetFree(free.QueueKey) { At = time.GetUtcNow() }, cancellationToken);
}
