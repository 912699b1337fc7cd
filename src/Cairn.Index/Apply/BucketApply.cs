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
        t.PutBucket(record);
        return record;
    }

    public BucketRecord PutVersioning(ShardTables t, PutBucketVersioning c)
    {
        var record = t.RequireBucket(c.Bucket) with { Versioning = c.State };
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

    /// <summary>
    /// Refused while any version or delete marker remains. Uploads in progress go with the bucket, as S3
    /// does, their parts freed; remembered completions too. One atomic change: no part is left orphaned.
    /// </summary>
    public Done Delete(ShardTables t, DeleteBucket c)
    {
        t.RequireBucket(c.Bucket);
        var (from, to) = IndexKeys.ObjectsOfBucket(c.Bucket);
        var leftovers = new List<byte[]>();
        var inProgress = new List<(string Key, UploadRecord Upload)>();
        foreach (var entry in t.State.Scan(from, to))
        {
            var row = IndexKeys.ParseObjectRow(entry.Key, c.Bucket);
            switch (row.Tag)
            {
                case ObjectRowTag.Current or ObjectRowTag.Version or ObjectRowTag.NullVersion:
                    throw new S3Exception(S3ErrorCode.BucketNotEmpty, resource: c.Bucket) { Details = new Dictionary<string, string> { ["BucketName"] = c.Bucket } };
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
        // A bucket created again under the name must not inherit its rules.
        t.State.Delete(IndexKeys.BucketKey(c.Bucket));
        t.State.Delete(IndexKeys.LifecycleKey(c.Bucket));
        return default;
    }
}
