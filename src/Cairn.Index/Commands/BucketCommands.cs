using Cairn.Index.Buckets;
using Cairn.Index.Records;

namespace Cairn.Index.Commands;

/// <summary>CreateBucket: BucketAlreadyOwnedByYou when the name is taken.</summary>
public sealed record CreateBucket(string Bucket, string Owner, string Region) : IndexCommand<BucketRecord>, IBucketCommand;

/// <summary>
/// DeleteBucket: BucketNotEmpty while any version or delete marker remains; uploads in progress go with
/// the bucket, their parts freed, in the same atomic change.
/// </summary>
public sealed record DeleteBucket(string Bucket) : IndexCommand<Done>, IBucketCommand;

/// <summary>PutBucketVersioning: changes only the versioning state of a bucket that exists.</summary>
public sealed record PutBucketVersioning(string Bucket, VersioningState State) : IndexCommand<BucketRecord>, IBucketCommand;

/// <summary>Put/DeleteBucketLifecycleConfiguration (null deletes).</summary>
public sealed record PutBucketLifecycle(string Bucket, StoredLifecycle? Configuration) : IndexCommand<Done>, IBucketCommand;
