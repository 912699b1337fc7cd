using Cairn.Index.Shards;

namespace Cairn.Index.Objects;

public sealed record BucketUsageFigures(string Bucket, long Objects, long LiveBytes, long NoncurrentVersions, long NoncurrentBytes, long DeleteMarkers,
    long IncompleteUploadParts, long IncompleteUploadBytes)
{
    public long TotalBytes => LiveBytes + NoncurrentBytes + IncompleteUploadBytes;
}

/// <summary>Counts what a bucket holds by walking its versions and uploads; an operator's query, not a hot path.</summary>
public sealed class BucketUsage(IndexRouter index)
{
    public async Task<BucketUsageFigures> MeasureAsync(string bucket, CancellationToken cancellationToken = default)
    {
        long objects = 0, live = 0, noncurrent = 0, noncurrentBytes = 0, markers = 0;
        var uploads = new List<KeyUpload>();
        await foreach (var key in BucketVersionWalk.KeysAsync(index, bucket, uploads: uploads, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var i = 0; i < key.NewestFirst.Count; i++)
            {
                var version = key.NewestFirst[i];
                if (version.IsDeleteMarker) markers++;
                else if (i == 0) { objects++; live += version.Size; }
                else { noncurrent++; noncurrentBytes += version.Size; }
            }
        }
        // Parts of uploads in progress occupy space too, though no object shows them.
        var parts = uploads.Sum(u => (long)u.Parts.Count);
        var partBytes = uploads.Sum(u => u.Parts.Sum(p => p.Size));
        return new BucketUsageFigures(bucket, objects, live, noncurrent, noncurrentBytes, markers, parts, partBytes);
    }
}
