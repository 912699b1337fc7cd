using Cairn.Index.Buckets;
using Cairn.Index.Records;

namespace Cairn.Index.Commands;

/// <summary>CreateBucket: BucketAlreadyOwnedByYou when the name is taken.</summary>
public sealed record CreateBucket(string Bucket, string Owner, string Region) : IndexCommand<BucketRecord>, IBucketCommand
{
    /// <summary>x-amz-bucket-object-lock-enabled: true. The bucket is created with Object Lock and versioning enabled.</summary>
    public bool ObjectLockEnabled { get; init; }

    /// <summary>
    /// Settings (<see cref="PutBucketSetting"/> documents by name) the bucket starts with, written in the same apply, so
    /// no request ever sees the bucket without them (S3 creates buckets with Block Public Access on).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }
}

/// <summary>
/// DeleteBucket: BucketNotEmpty while any version or delete marker remains; uploads in progress go with
/// the bucket, their parts freed, in the same atomic change.
/// </summary>
/// With a <see cref="Fence"/> (a delete over several ranges), refused with OperationAborted unless the range is
/// still closed by that fence (<see cref="CloseBucket"/>).
public sealed record DeleteBucket(string Bucket) : IndexCommand<Done>, IBucketCommand
{
    public string? Fence { get; init; }
}

/// <summary>
/// The first step of a DeleteBucket over several ranges: BucketNotEmpty while any version or delete marker remains in
/// the range; otherwise the range refuses object writes (OperationAborted) until the delete or a <see cref="ReopenBucket"/>
/// with the same fence (the deleter's, or the range leader's once the closing lapsed: <see cref="Buckets.StalledClosings"/>).
/// Every range closes before any deletes, so a bucket is deleted in every range or in none.
/// </summary>
public sealed record CloseBucket(string Bucket, string Fence) : IndexCommand<Done>, IBucketCommand;

/// <summary>Undoes <see cref="CloseBucket"/> of the same fence (another range was not empty, or the closing lapsed); nothing otherwise.</summary>
public sealed record ReopenBucket(string Bucket, string Fence) : IndexCommand<Done>, IBucketCommand;

/// <summary>PutBucketVersioning: changes only the versioning state of a bucket that exists.</summary>
public sealed record PutBucketVersioning(string Bucket, VersioningState State) : IndexCommand<BucketRecord>, IBucketCommand;

/// <summary>Put/DeleteBucketLifecycleConfiguration (null deletes).</summary>
public sealed record PutBucketLifecycle(string Bucket, StoredLifecycle? Configuration) : IndexCommand<Done>, IBucketCommand;

/// <summary>
/// Put (or, with a null <paramref name="Document"/>, delete) one named configuration of a bucket — its tagging, CORS rules,
/// website — as the document GET answers: one command and one row per setting, whatever the setting.
/// </summary>
public sealed record PutBucketSetting(string Bucket, string Name, string? Document) : IndexCommand<Done>, IBucketCommand;
