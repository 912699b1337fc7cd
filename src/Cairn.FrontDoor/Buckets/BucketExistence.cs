using Cairn.Core.Names;
using Cairn.FrontDoor.Routing;
using Cairn.Index.Buckets;

namespace Cairn.FrontDoor.Buckets;

/// <summary>
/// The first thing S3 checks about a request that names a bucket: whether the bucket exists (NoSuchBucket, 404), even
/// before it refuses an anonymous caller or an operation it does not serve. CreateBucket is the one exception.
/// </summary>
public sealed class BucketExistence(BucketCatalog buckets)
{
    public async Task RequireNamedAsync(S3Request s3)
    {
        if (s3.Bucket is not { } name || s3.Operation == S3Operation.CreateBucket) return;
        if (!BucketName.IsValid(name)) throw BucketCatalog.NoSuchBucket(name);
        await buckets.RequireAsync(name, s3.Aborted).ConfigureAwait(false);
    }
}
