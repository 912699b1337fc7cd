using System.Security.Cryptography;
using System.Text;
using Cairn.Core.Errors;
using Cairn.Index.Apply;
using Cairn.Index.Commands;
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
/// Multipart uploads and their parts, which live under their object key. Parts are immutable blobs;
/// completing an upload is one command that writes the version over them and retires the upload.
/// </summary>
public sealed class UploadCatalog(IndexRouter index, TimeProvider time)
{
    public Task<UploadRecord> CreateAsync(string bucket, UploadRecord draft, CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new CreateUpload(bucket, draft.Key, draft, VersionIds.NewNonce()) { At = time.GetUtcNow() }, cancellationToken);

    public async Task<UploadRecord> RequireAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken = default)
    {
        using var snapshot = await index.ReadKeyAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        return snapshot.Get(IndexKeys.UploadKey(bucket, key, uploadId)) is { } value ? IndexJson.DecodeUpload(value) : throw ObjectErrors.NoSuchUpload(uploadId);
    }

    /// <summary>Records a part; a part number uploaded again replaces the earlier part, whose bytes are freed.</summary>
    public Task PutPartAsync(string bucket, string key, string uploadId, PartRecord part, CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new PutPart(bucket, key, uploadId, part) { At = time.GetUtcNow() }, cancellationToken);

    public async Task<PartPage> ListPartsAsync(string bucket, string key, string uploadId, int afterPartNumber, int maxParts, CancellationToken cancellationToken = default)
    {
        using var snapshot = await index.ReadKeyAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        var parts = new List<PartRecord>();
        var truncated = false;
        var (_, to) = IndexKeys.PartsOf(bucket, key, uploadId);
        foreach (var entry in snapshot.Scan(IndexKeys.PartKey(bucket, key, uploadId, afterPartNumber + 1), to))
        {
            if (parts.Count == maxParts) { truncated = true; break; }
            parts.Add(IndexJson.DecodePart(entry.Value));
        }
        return new PartPage(parts, truncated, parts.Count > 0 ? parts[^1].PartNumber : 0);
    }

    /// <summary>Aborts the upload and frees every part's bytes.</summary>
    public Task AbortAsync(string bucket, string key, string uploadId, string reason = "abort", CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new AbortUpload(bucket, key, uploadId) { At = time.GetUtcNow(), Reason = reason }, cancellationToken);

    /// <summary>
    /// Validates the manifest against the parts as they are now, lets <paramref name="stitch"/> build the
    /// object from them, and sends one CompleteUpload command; the shard checks at apply that the parts are
    /// still those. A retry of an upload completed with the same manifest gets the first answer.
    /// </summary>
    public async Task<VersionRecord> CompleteAsync(string bucket, string key, string uploadId, IReadOnlyList<ManifestPart> manifest,
        long minimumPartSize, Func<UploadRecord, IReadOnlyList<PartRecord>, VersionRecord> stitch, ObjectCondition? condition = null,
        CancellationToken cancellationToken = default)
    {
        if (manifest.Count == 0) throw new S3Exception(S3ErrorCode.MalformedXML, "You must specify at least one part.");
        for (var i = 1; i < manifest.Count; i++)
            if (manifest[i].PartNumber <= manifest[i - 1].PartNumber)
                throw new S3Exception(S3ErrorCode.InvalidPartOrder);
        var digest = ManifestDigest(manifest);
        var at = time.GetUtcNow();

        UploadRecord upload;
        Dictionary<int, PartRecord> stored;
        using (var snapshot = await index.ReadKeyAsync(bucket, key, cancellationToken).ConfigureAwait(false))
        {
            if (snapshot.Get(IndexKeys.UploadKey(bucket, key, uploadId)) is not { } value)
                return UploadApply.Completed(ShardTables.Over(snapshot), bucket, key, uploadId, digest, at) ?? throw ObjectErrors.NoSuchUpload(uploadId);
            upload = IndexJson.DecodeUpload(value);
            var (from, to) = IndexKeys.PartsOf(bucket, key, uploadId);
            stored = snapshot.Scan(from, to).Select(e => IndexJson.DecodePart(e.Value)).ToDictionary(p => p.PartNumber);
        }
        var chosen = new List<PartRecord>(manifest.Count);
        foreach (var m in manifest)
        {
            if (!stored.TryGetValue(m.PartNumber, out var part) || part.ETag.Trim('"') != m.ETag.Trim().Trim('"'))
                throw new S3Exception(S3ErrorCode.InvalidPart) { Details = new Dictionary<string, string> { ["PartNumber"] = m.PartNumber.ToString(), ["ETag"] = m.ETag } };
            chosen.Add(part);
        }
        for (var i = 0; i < chosen.Count - 1; i++)
            if (chosen[i].Size < minimumPartSize)
                throw new S3Exception(S3ErrorCode.EntityTooSmall)
                {
                    Details = new Dictionary<string, string> { ["PartNumber"] = chosen[i].PartNumber.ToString(), ["ProposedSize"] = chosen[i].Size.ToString(), ["MinSizeAllowed"] = minimumPartSize.ToString() },
                };

        var draft = stitch(upload, chosen) with { Parts = chosen };
        return await index.ExecuteAsync(new CompleteUpload(bucket, key, uploadId, draft, digest, VersionIds.NewNonce()) { At = at, Condition = condition },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<UploadPage> ListUploadsAsync(string bucket, string prefix, string? delimiter, string? keyMarker, string? uploadIdMarker,
        int maxUploads, CancellationToken cancellationToken = default)
    {
        using var walk = index.WalkBucket(cancellationToken);
        var uploads = new List<ListedUpload>();
        var prefixes = new List<string>();
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var markerBytes = string.IsNullOrEmpty(keyMarker) ? null : Encoding.UTF8.GetBytes(keyMarker);
        var delimiterBytes = string.IsNullOrEmpty(delimiter) ? null : Encoding.UTF8.GetBytes(delimiter);
        var from = markerBytes is null || markerBytes.AsSpan().SequenceCompareTo(prefixBytes) < 0
            ? IndexKeys.ObjectsFrom(bucket, prefixBytes)
            : uploadIdMarker is null
                ? IndexKeys.PastKey(bucket, markerBytes)
                : [.. IndexKeys.UploadKey(bucket, keyMarker!, uploadIdMarker), 0];
        var to = IndexKeys.ObjectsOfBucket(bucket).To;
        var truncated = false;
        string? lastKey = null, lastUploadId = null;
        while (maxUploads > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await walk.FirstAsync(from, to).ConfigureAwait(false) is not { } first) break;
            var row = IndexKeys.ParseObjectRow(first.Key, bucket);
            if (!row.Key.AsSpan().StartsWith(prefixBytes)) break;
            if (row.Tag != ObjectRowTag.Upload)
            {
                from = row.Tag < ObjectRowTag.Upload ? IndexKeys.TagOf(bucket, row.Key, ObjectRowTag.Upload) : IndexKeys.PastKey(bucket, row.Key);
                continue;
            }
            if (CommonPrefixes.TryRollUp(row.Key, prefixBytes, delimiterBytes, out var common, out var past))
            {
                from = IndexKeys.ObjectsFrom(bucket, past);
                if (CommonPrefixes.ListedBefore(common, markerBytes)) continue;
                if (uploads.Count + prefixes.Count == maxUploads) { truncated = true; break; }
                prefixes.Add(lastKey = Encoding.UTF8.GetString(common));
                lastUploadId = null;
                continue;
            }
            var (_, uploadsEnd) = IndexKeys.UploadsOf(bucket, Encoding.UTF8.GetString(row.Key));
            foreach (var entry in (await walk.AtAsync(first.Key).ConfigureAwait(false)).Scan(first.Key, uploadsEnd))
            {
                if (uploads.Count + prefixes.Count == maxUploads) { truncated = true; break; }
                var upload = IndexJson.DecodeUpload(entry.Value);
                uploads.Add(new ListedUpload(upload.Key, upload));
                (lastKey, lastUploadId) = (upload.Key, upload.UploadId);
            }
            if (truncated) break;
            from = IndexKeys.PastKey(bucket, row.Key);
        }
        return new UploadPage(uploads, prefixes, truncated, truncated ? lastKey : null, truncated ? lastUploadId : null);
    }

    /// <summary>
    /// Every upload in progress in a bucket (in the ranges <paramref name="ranges"/> accepts, when given), in key order:
    /// what lifecycle's abort rule walks.
    /// </summary>
    public async Task<IReadOnlyList<ListedUpload>> AllUploadsAsync(string bucket, Func<IIndexShard, bool>? ranges = null, CancellationToken cancellationToken = default)
    {
        var uploads = new List<KeyUpload>();
        await foreach (var _ in BucketVersionWalk.KeysAsync(index, bucket, ranges, uploads, cancellationToken).ConfigureAwait(false)) { }
        return uploads.Select(u => new ListedUpload(u.Key, u.Upload)).ToList();
    }

    /// <summary>What identifies a manifest: part numbers and ETags (quotes aside), in order.</summary>
    public static string ManifestDigest(IReadOnlyList<ManifestPart> manifest)
    {
        var text = string.Join('\n', manifest.Select(m => $"{m.PartNumber}:{m.ETag.Trim().Trim('"')}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

}
