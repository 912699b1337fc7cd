using System.Runtime.CompilerServices;
using Cairn.Core.Blobs;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Objects;

/// <summary>A reaped blob waiting for its bytes to be freed.</summary>
public sealed record QueuedFree(byte[] QueueKey, BlobLayout Blob);

/// <summary>
/// The index's view of blob ownership for the GC: which blobs are referenced, and the queue of
/// blobs that reaps have released.
/// </summary>
public sealed class BlobBookkeeping(IIndexShard shard)
{
    public async Task<bool> IsReferencedAsync(string blobId, CancellationToken cancellationToken = default) =>
        await shard.GetAsync(IndexKeys.ReferenceKey(blobId), cancellationToken).ConfigureAwait(false) is not null;

    public async Task<BlobReference?> ReferenceAsync(string blobId, CancellationToken cancellationToken = default) =>
        await shard.GetAsync(IndexKeys.ReferenceKey(blobId), cancellationToken).ConfigureAwait(false) is { } value ? IndexJson.DecodeReference(value) : null;

    /// <summary>Every referenced blob with its layout: what scrub walks.</summary>
    public async IAsyncEnumerable<BlobReference> ReferencesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var entry in shard.ScanAsync(IndexKeys.ReferencesStart(), IndexKeys.ReferencesEnd(), cancellationToken).ConfigureAwait(false))
            yield return IndexJson.DecodeReference(entry.Value);
    }

    public async IAsyncEnumerable<QueuedFree> QueuedFreesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var entry in shard.ScanAsync(IndexKeys.FreeStart(), IndexKeys.FreeEnd(), cancellationToken).ConfigureAwait(false))
            yield return new QueuedFree(entry.Key, IndexJson.DecodeBlob(entry.Value));
    }

    public Task CompleteFreeAsync(QueuedFree free, CancellationToken cancellationToken = default) =>
        shard.CommitAsync(new IndexBatch().Delete(free.QueueKey), cancellationToken);
}
