using Cairn.Core.Errors;
using Cairn.Index.Buckets;
using Cairn.Index.Commands;
using Cairn.Index.Records;

namespace Cairn.Index.Apply;

/// <summary>
/// The apply of bucket commands. Object commands read the bucket row in the same apply, so a PUT racing
/// DeleteBucket or PutBucketVersioning sees the bucket as it was before or after, never in between.
/// </summary>
internal sealed class BucketApply(UploadApply uploads)
{
    public BucketRecord Create(ShardTables t, CreateBucket c)
    {
        if (t.Bucket(c.Bucket) is not null)
            throw new S3Exception(S3ErrorCode.BucketAlreadyOwnedByYou, resource: c.Bucket) { Details = new Dictionary<string, string> { ["BucketName"] = c.Bucket } };
        var record = new BucketRecord { Name = c.Bucket, Created = c.At, Owner = c.Owner, Region = c.Region };
        // A bucket created with Object Lock is versioned from the start, as S3 does.
        if (c.ObjectLockEnabled) record = record with { Versioning = VersioningState.Enabled, ObjectLock = new ObjectLockConfiguration() };
        t.PutBucket(record);
        foreach (var (name, document) in c.Settings ?? new Dictionary<string, string>())
            t.State.Put(IndexKeys.BucketSettingKey(c.Bucket, name), System.Text.Encoding.UTF8.GetBytes(document));
        return record;
    }

    public BucketRecord PutVersioning(ShardTables t, PutBucketVersioning c)
    {
        var bucket = t.RequireBucket(c.Bucket);
        if (bucket.ObjectLock is not null && c.State != VersioningState.Enabled) throw Objects.ObjectLockErrors.VersioningLocked();
        var record = bucket with { Versioning = c.State };
        t.PutBucket(record);
        return record;
    }

    public Done PutLifecycle(ShardTables t, PutBucketLifecycle c)
    {
        t.RequireBucket(c.Bucket);
        if (c.Configuration is { } configuration) t.State.Put(IndexKeys.LifecycleKey(c.Bucket), IndexJson.Encode(configuration));
        else t.State.Delete(IndexKeys.LifecycleKey(c.Bucket));
        return default;
    }

    public Done PutSetting(ShardTables t, PutBucketSetting c)
    {
        t.RequireBucket(c.Bucket);
        var key = IndexKeys.BucketSettingKey(c.Bucket, c.Name);
        if (c.Document is { } document) t.State.Put(key, System.Text.Encoding.UTF8.GetBytes(document));
        else t.State.Delete(key);
        return default;
    }

    /// <summary>
    /// Refused while any version or delete marker remains. Uploads in progress go with the bucket, as S3
    /// does, their parts freed; remembered completions too. One atomic change: no part is left orphaned.
    /// </summary>
    public Done Delete(ShardTables t, DeleteBucket c)
    {
        var record = t.RequireBucket(c.Bucket);
        if (c.Fence is { } fence && record.ClosedFor?.Fence != fence)
            throw new S3Exception(S3ErrorCode.OperationAborted, "The bucket was written to while it was being deleted.", c.Bucket);
        var leftovers = new List<byte[]>();
        var inProgress = new List<(string Key, UploadRecord Upload)>();
        foreach (var (row, entry) in ObjectRows(t, c.Bucket))
        {
            switch (row.Tag)
            {
                case ObjectRowTag.Current or ObjectRowTag.Version or ObjectRowTag.NullVersion:
                    throw NotEmpty(c.Bucket);
                case ObjectRowTag.Upload:
                    var upload = IndexJson.DecodeUpload(entry.Value);
                    inProgress.Add((upload.Key, upload));
                    break;
                case ObjectRowTag.CompletedUpload:
                    leftovers.Add(entry.Key);
                    break;
            }
        }
        foreach (var (key, upload) in inProgress) uploads.Retire(t, c.Bucket, key, upload, "abort", c.At);
        foreach (var row in leftovers) t.State.Delete(row);
        // A bucket created again under the name must not inherit its rules, tags, CORS rules or website.
        t.DeleteBucket(c.Bucket);
        t.State.Delete(IndexKeys.LifecycleKey(c.Bucket));
        var (settingsFrom, settingsTo) = IndexKeys.SettingsOfBucket(c.Bucket);
        foreach (var setting in t.State.Scan(settingsFrom, settingsTo).ToList()) t.State.Delete(setting.Key);
        return default;
    }

    public Done Close(ShardTables t, CloseBucket c)
    {
        var record = t.RequireBucket(c.Bucket);
        if (record.ClosedFor?.Fence == c.Fence) return default;
        if (ObjectRows(t, c.Bucket).Any(r => r.Row.Tag is ObjectRowTag.Current or ObjectRowTag.Version or ObjectRowTag.NullVersion))
            throw NotEmpty(c.Bucket);
        t.PutBucket(record with { ClosedFor = new Closing(c.Fence, c.At) });
        return default;
    }

    public Done Reopen(ShardTables t, ReopenBucket c)
    {
        if (t.Bucket(c.Bucket) is { } record && record.ClosedFor?.Fence == c.Fence) t.PutBucket(record with { ClosedFor = null });
        return default;
    }

    /// <summary>
    /// An object write in a bucket closed for a delete is refused until the closing goes (the delete, or a reopen of its
    /// fence). The write's time is not compared with the closing's: that would let a writer whose clock runs ahead end
    /// the closing of a delete still under way, and the bucket could be deleted in some ranges while it gets an object in this one.
    /// </summary>
    public void RequireOpen(ShardTables t, string bucket)
    {
        if (t.Bucket(bucket) is { ClosedFor: not null }) throw new S3Exception(S3ErrorCode.OperationAborted, "The bucket is being deleted.", bucket);
    }

    private static IEnumerable<(ObjectRowParts Row, Shards.IndexEntry Entry)> ObjectRows(ShardTables t, string bucket)
    {
        var (from, to) = IndexKeys.ObjectsOfBucket(bucket);
        return t.State.Scan(from, to).Select(entry => (IndexKeys.ParseObjectRow(entry.Key, bucket), entry));
    }

    private static S3Exception NotEmpty(string bucket) =>
        new(S3ErrorCode.BucketNotEmpty, resource: bucket) { Details = new Dictionary<string, string> { ["BucketName"] = bucket } };
}
