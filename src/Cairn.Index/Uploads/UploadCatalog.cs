using System.Text;
using Cairn.Core.Errors;
using Cairn.Core.Time;
using Cairn.Index.Billing;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Uploads;

public sealed record ListedUpload(string Key, UploadRecord Upload);

public sealed record UploadPage(IReadOnlyList<ListedUpload> Uploads, IReadOnlyList<string> CommonPrefixes, bool IsTruncated,
    string? NextKeyMarker, string? NextUploadIdMarker);

public sealed record PartPage(IReadOnlyList<PartRecord> Parts, bool IsTruncated, int NextPartNumberMarker);

/// <summary>One entry of a CompleteMultipartUpload manifest.</summary>
public readonly record struct ManifestPart(int PartNumber, string ETag);

/// <summary>
/// Multipart uploads and their parts. Parts are immutable blobs; completing an upload writes one
/// version record that references them in order and retires the upload in the same atomic batch.
/// </summary>
public sealed class UploadCatalog(IIndexShard shard, BucketCatalog buckets, BucketGates gates, KeyLocks locks, ObjectCatalog objects, StorageMeter meter, VersionClock clock)
{
    public async Task<UploadRecord> CreateAsync(string bucket, UploadRecord draft, CancellationToken cancellationToken = default)
    {
        using var pass = gates.Enter(bucket);
        await buckets.RequireAsync(bucket, cancellationToken).ConfigureAwait(false);
        var upload = draft with { UploadId = VersionIds.New(clock.Next()) };
        await shard.CommitAsync(new IndexBatch().Put(IndexKeys.UploadKey(bucket, upload.Key, upload.UploadId), IndexJson.Encode(upload)), cancellationToken).ConfigureAwait(false);
        return upload;
    }

    public async Task<UploadRecord> RequireAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken = default)
    {
        var value = await shard.GetAsync(IndexKeys.UploadKey(bucket, key, uploadId), cancellationToken).ConfigureAwait(false);
        return value is null ? throw NoSuchUpload(uploadId) : IndexJson.DecodeUpload(value);
    }

    /// <summary>Records a part; a part number uploaded again replaces the earlier part, whose bytes are freed.</summary>
    public async Task PutPartAsync(string bucket, string key, string uploadId, PartRecord part, CancellationToken cancellationToken = default)
    {
        using var pass = gates.Enter(bucket);
        using var _ = await locks.AcquireAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        var batch = new IndexBatch();
        var partKey = IndexKeys.PartKey(bucket, uploadId, part.PartNumber);
        var upload = await RequireAsync(bucket, key, uploadId, cancellationToken).ConfigureAwait(false);
        if (await shard.GetAsync(partKey, cancellationToken).ConfigureAwait(false) is { } previous)
        {
            var replaced = IndexJson.DecodePart(previous);
            meter.CloseParts(batch, bucket, key, upload.StorageClass, [replaced], "replace");
            objects.FreeBlob(batch, replaced.Blob);
        }
        batch.Put(partKey, IndexJson.Encode(part));
        batch.Put(IndexKeys.ReferenceKey(part.Blob.BlobId), IndexJson.Encode(new BlobReference(bucket, key, 0, uploadId, part.PartNumber) { Layout = part.Blob }));
        await shard.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    public async Task<PartPage> ListPartsAsync(string bucket, string uploadId, int afterPartNumber, int maxParts, CancellationToken cancellationToken = default)
    {
        var parts = new List<PartRecord>();
        var truncated = false;
        var (_, to) = IndexKeys.PartsOf(bucket, uploadId);
        await foreach (var entry in shard.ScanAsync(IndexKeys.PartKey(bucket, uploadId, afterPartNumber + 1), to, cancellationToken).ConfigureAwait(false))
        {
            if (parts.Count == maxParts) { truncated = true; break; }
            parts.Add(IndexJson.DecodePart(entry.Value));
        }
        return new PartPage(parts, truncated, parts.Count > 0 ? parts[^1].PartNumber : 0);
    }

    /// <summary>Aborts the upload and frees every part's bytes.</summary>
    public async Task AbortAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken = default, string reason = "abort")
    {
        using var _ = await locks.AcquireAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        var upload = await RequireAsync(bucket, key, uploadId, cancellationToken).ConfigureAwait(false);
        var batch = new IndexBatch().Delete(IndexKeys.UploadKey(bucket, key, uploadId));
        var parts = new List<PartRecord>();
        await foreach (var part in AllPartsAsync(bucket, uploadId, cancellationToken).ConfigureAwait(false))
        {
            parts.Add(part);
            batch.Delete(IndexKeys.PartKey(bucket, uploadId, part.PartNumber));
            objects.FreeBlob(batch, part.Blob);
        }
        meter.CloseParts(batch, bucket, key, upload.StorageClass, parts, reason);
        await shard.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Validates the manifest and stitches the object: one version record over the parts' blobs, the
    /// pointer flip, the upload and its records retired and unlisted parts freed — one atomic commit.
    /// </summary>
    public async Task<VersionRecord> CompleteAsync(string bucket, string key, string uploadId, IReadOnlyList<ManifestPart> manifest,
        long minimumPartSize, Func<UploadRecord, IReadOnlyList<PartRecord>, VersionRecord> stitch, CancellationToken cancellationToken = default)
    {
        if (manifest.Count == 0) throw new S3Exception(S3ErrorCode.MalformedXML, "You must specify at least one part.");
        for (var i = 1; i < manifest.Count; i++)
            if (manifest[i].PartNumber <= manifest[i - 1].PartNumber)
                throw new S3Exception(S3ErrorCode.InvalidPartOrder);

        var upload = await RequireAsync(bucket, key, uploadId, cancellationToken).ConfigureAwait(false);
        var stored = new Dictionary<int, PartRecord>();
        await foreach (var part in AllPartsAsync(bucket, uploadId, cancellationToken).ConfigureAwait(false)) stored[part.PartNumber] = part;
        var chosen = new List<PartRecord>(manifest.Count);
        foreach (var m in manifest)
        {
            if (!stored.TryGetValue(m.PartNumber, out var part) || part.ETag.Trim('"') != m.ETag.Trim().Trim('"'))
            {
                // An abort that won the race took the parts with it: that is NoSuchUpload, not a bad manifest.
                await RequireAsync(bucket, key, uploadId, cancellationToken).ConfigureAwait(false);
                throw new S3Exception(S3ErrorCode.InvalidPart) { Details = new Dictionary<string, string> { ["PartNumber"] = m.PartNumber.ToString(), ["ETag"] = m.ETag } };
            }
            chosen.Add(part);
        }
        for (var i = 0; i < chosen.Count - 1; i++)
            if (chosen[i].Size < minimumPartSize)
                throw new S3Exception(S3ErrorCode.EntityTooSmall)
                {
                    Details = new Dictionary<string, string> { ["PartNumber"] = chosen[i].PartNumber.ToString(), ["ProposedSize"] = chosen[i].Size.ToString(), ["MinSizeAllowed"] = minimumPartSize.ToString() },
                };

        var draft = stitch(upload, chosen);
        return await objects.PutAsync(bucket, key, draft, cancellationToken, async batch =>
        {
            // Under the key's lock: the upload must still exist (an Abort may have won) and the parts be the ones stitched.
            await RequireAsync(bucket, key, uploadId, cancellationToken).ConfigureAwait(false);
            var chosenNumbers = chosen.ToDictionary(p => p.PartNumber, p => p.Blob.BlobId);
            var retired = new List<PartRecord>();
            await foreach (var part in AllPartsAsync(bucket, uploadId, cancellationToken).ConfigureAwait(false))
            {
                retired.Add(part);
                batch.Delete(IndexKeys.PartKey(bucket, uploadId, part.PartNumber));
                if (!chosenNumbers.TryGetValue(part.PartNumber, out var blobId)) objects.FreeBlob(batch, part.Blob);
                else if (blobId != part.Blob.BlobId) throw new S3Exception(S3ErrorCode.InvalidPart, "A part was replaced while the upload completed.");
            }
            batch.Delete(IndexKeys.UploadKey(bucket, key, uploadId));
            // The parts stop accruing as upload storage; the object accrues from its commit on.
            meter.CloseParts(batch, bucket, key, upload.StorageClass, retired, "complete");
        }).ConfigureAwait(false);
    }

    public async Task<UploadPage> ListUploadsAsync(string bucket, string prefix, string? delimiter, string? keyMarker, string? uploadIdMarker,
        int maxUploads, CancellationToken cancellationToken = default)
    {
        var uploads = new List<ListedUpload>();
        var prefixes = new List<string>();
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var markerBytes = string.IsNullOrEmpty(keyMarker) ? null : Encoding.UTF8.GetBytes(keyMarker);
        var delimiterBytes = string.IsNullOrEmpty(delimiter) ? null : Encoding.UTF8.GetBytes(delimiter);
        var from = markerBytes is null || markerBytes.AsSpan().SequenceCompareTo(prefixBytes) < 0
            ? IndexKeys.UploadFrom(bucket, prefixBytes)
            : uploadIdMarker is null
                ? IndexKeys.UploadFrom(bucket, [.. markerBytes, 1])
                : [.. IndexKeys.UploadKey(bucket, keyMarker!, uploadIdMarker), 0];
        var to = IndexKeys.UploadsOfBucket(bucket).To;
        var truncated = false;
        string? lastKey = null, lastUploadId = null;
        while (from is not null && maxUploads > 0)
        {
            byte[]? restart = null;
            await foreach (var entry in shard.ScanAsync(from, to, cancellationToken).ConfigureAwait(false))
            {
                var (key, uploadId) = IndexKeys.ParseUploadKey(entry.Key, bucket);
                if (!key.AsSpan().StartsWith(prefixBytes)) goto done;
                if (CommonPrefixes.TryRollUp(key, prefixBytes, delimiterBytes, out var common, out var past))
                {
                    restart = IndexKeys.UploadFrom(bucket, past);
                    if (CommonPrefixes.ListedBefore(common, markerBytes)) break;
                    if (uploads.Count + prefixes.Count == maxUploads) { truncated = true; goto done; }
                    prefixes.Add(lastKey = Encoding.UTF8.GetString(common));
                    lastUploadId = null;
                    break;
                }
                if (uploads.Count + prefixes.Count == maxUploads) { truncated = true; goto done; }
                var upload = IndexJson.DecodeUpload(entry.Value);
                uploads.Add(new ListedUpload(upload.Key, upload));
                (lastKey, lastUploadId) = (upload.Key, uploadId);
            }
            from = restart;
        }
    done:
        return new UploadPage(uploads, prefixes, truncated, truncated ? lastKey : null, truncated ? lastUploadId : null);
    }

    /// <summary>Every upload in progress in a bucket, in key order: what lifecycle's abort rule walks.</summary>
    public async IAsyncEnumerable<ListedUpload> AllUploadsAsync(string bucket, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (from, to) = IndexKeys.UploadsOfBucket(bucket);
        await foreach (var entry in shard.ScanAsync(from, to, cancellationToken).ConfigureAwait(false))
        {
            var upload = IndexJson.DecodeUpload(entry.Value);
            yield return new ListedUpload(upload.Key, upload);
        }
    }

    public async IAsyncEnumerable<PartRecord> AllPartsAsync(string bucket, string uploadId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (from, to) = IndexKeys.PartsOf(bucket, uploadId);
        await foreach (var entry in shard.ScanAsync(from, to, cancellationToken).ConfigureAwait(false))
            yield return IndexJson.DecodePart(entry.Value);
    }

    public static S3Exception NoSuchUpload(string uploadId) =>
        new(S3ErrorCode.NoSuchUpload) { Details = new Dictionary<string, string> { ["UploadId"] = uploadId } };
}
