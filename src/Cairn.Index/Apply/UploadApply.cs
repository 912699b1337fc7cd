using Cairn.Core.Errors;
using Cairn.Index.Billing;
using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.Index.Apply;

/// <summary>The apply of multipart commands: uploads and parts live under their object key, so completing one is a single-range change.</summary>
internal sealed class UploadApply(VersionWrites writes, StorageMeter meter, ObjectLockRules locks)
{
    /// <summary>How long a completed upload is remembered, so a retried CompleteMultipartUpload gets the same answer.</summary>
    public static readonly TimeSpan CompletedRetention = TimeSpan.FromDays(1);

    public UploadRecord Create(ShardTables t, CreateUpload c)
    {
        ObjectLockRules.RequireLockable(t.RequireBucket(c.Bucket), c.Draft.Retention, c.Draft.LegalHold, c.At);
        Acl.AclRules.RequireAllowed(t, c.Bucket, c.Draft.Acl);
        var upload = c.Draft with { UploadId = VersionIds.Of(t.NextSequence(c.At), c.Nonce), Key = c.Key, Initiated = c.At };
        t.State.Put(IndexKeys.UploadKey(c.Bucket, c.Key, upload.UploadId), IndexJson.Encode(upload));
        return upload;
    }

    public Done PutPart(ShardTables t, PutPart c)
    {
        var upload = t.Upload(c.Bucket, c.Key, c.UploadId) ?? throw ObjectErrors.NoSuchUpload(c.UploadId);
        var owner = new BlobReference(c.Bucket, c.Key, 0, c.UploadId, c.Part.PartNumber);
        if (t.Part(c.Bucket, c.Key, c.UploadId, c.Part.PartNumber) is { } replaced)
        {
            VersionWrites.AppendLedger(t, meter.CloseParts(c.Bucket, c.Key, upload.StorageClass, [replaced], "replace", c.At), c.At);
            t.DropReference(replaced.Blob, owner, c.At);
        }
        t.State.Put(IndexKeys.PartKey(c.Bucket, c.Key, c.UploadId, c.Part.PartNumber), IndexJson.Encode(c.Part));
        t.AddReference(c.Part.Blob, owner);
        return default;
    }

    public VersionRecord Complete(ShardTables t, CompleteUpload c)
    {
        var bucket = t.RequireBucket(c.Bucket);
        var upload = t.Upload(c.Bucket, c.Key, c.UploadId);
        if (upload is null) return Completed(t, c.Bucket, c.Key, c.UploadId, c.ManifestDigest, c.At) ?? throw ObjectErrors.NoSuchUpload(c.UploadId);
        if (c.Condition is { IsEmpty: false }) ConditionCheck.Require(c.Condition, t.Current(c.Bucket, c.Key), c.Key);

        var chosen = (c.Draft.Parts ?? []).ToDictionary(p => p.PartNumber, p => p.Blob.BlobId);
        var stored = t.Parts(c.Bucket, c.Key, c.UploadId).ToList();
        foreach (var (number, blobId) in chosen)
            if (stored.FirstOrDefault(p => p.PartNumber == number)?.Blob.BlobId != blobId)
                throw new S3Exception(S3ErrorCode.InvalidPart, "A part was replaced while the upload completed.")
                {
                    Details = new Dictionary<string, string> { ["PartNumber"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                };

        // The version takes its references before the parts drop theirs, so chosen bytes always have an owner.
        var record = ObjectApply.NewVersion(t, bucket, locks.WithDefaultRetention(bucket, c.Draft, c.At), c.Nonce, c.At);
        writes.Write(t, c.Bucket, c.Key, record, c.At);
        RetireParts(t, c.Bucket, c.Key, c.UploadId, stored, c.At);
        // The parts stop accruing as upload storage; the object accrues from its commit on.
        VersionWrites.AppendLedger(t, meter.CloseParts(c.Bucket, c.Key, upload.StorageClass, stored, "complete", c.At), c.At);
        t.State.Delete(IndexKeys.UploadKey(c.Bucket, c.Key, c.UploadId));
        ForgetExpiredCompletions(t, c.Bucket, c.Key, c.At);
        t.State.Put(IndexKeys.CompletedUploadKey(c.Bucket, c.Key, c.UploadId), IndexJson.Encode(new CompletedUploadRecord
        {
            ManifestDigest = c.ManifestDigest, Completed = c.At, VersionId = record.VersionId, ETag = record.ETag, Checksums = record.Checksums,
        }));
        return record;
    }

    public Done Abort(ShardTables t, AbortUpload c)
    {
        var upload = t.Upload(c.Bucket, c.Key, c.UploadId) ?? throw ObjectErrors.NoSuchUpload(c.UploadId);
        Retire(t, c.Bucket, c.Key, upload, c.Reason, c.At);
        return default;
    }

    /// <summary>Removes an upload with every part, freeing their bytes: an abort, or the bucket going.</summary>
    public void Retire(ShardTables t, string bucket, string key, UploadRecord upload, string reason, DateTimeOffset at)
    {
        var parts = t.Parts(bucket, key, upload.UploadId).ToList();
        RetireParts(t, bucket, key, upload.UploadId, parts, at);
        VersionWrites.AppendLedger(t, meter.CloseParts(bucket, key, upload.StorageClass, parts, reason, at), at);
        t.State.Delete(IndexKeys.UploadKey(bucket, key, upload.UploadId));
    }

    /// <summary>A completed upload whose manifest matches, still remembered: the answer a retry gets.</summary>
    public static VersionRecord? Completed(ShardTables t, string bucket, string key, string uploadId, string manifestDigest, DateTimeOffset at)
    {
        if (t.State.Get(IndexKeys.CompletedUploadKey(bucket, key, uploadId)) is not { } value) return null;
        var done = IndexJson.DecodeCompletedUpload(value);
        if (done.ManifestDigest != manifestDigest || at - done.Completed > CompletedRetention) return null;
        return new VersionRecord { VersionId = done.VersionId, Sequence = 0, LastModified = done.Completed, ETag = done.ETag, Checksums = done.Checksums };
    }

    private static void RetireParts(ShardTables t, string bucket, string key, string uploadId, IEnumerable<PartRecord> parts, DateTimeOffset at)
    {
        foreach (var part in parts)
        {
            t.State.Delete(IndexKeys.PartKey(bucket, key, uploadId, part.PartNumber));
            t.DropReference(part.Blob, new BlobReference(bucket, key, 0, uploadId, part.PartNumber), at);
        }
    }

    private static void ForgetExpiredCompletions(ShardTables t, string bucket, string key, DateTimeOffset at)
    {
        var (from, to) = IndexKeys.CompletedUploadsOf(bucket, key);
        foreach (var entry in t.State.Scan(from, to).ToList())
            if (at - IndexJson.DecodeCompletedUpload(entry.Value).Completed > CompletedRetention) t.State.Delete(entry.Key);
    }
}
