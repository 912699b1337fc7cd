using Cairn.Core.Errors;
using Cairn.Index.Commands;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Buckets;

/// <summary>The bucket table: create, look up, list, configure and delete buckets, each change one command.</summary>
public sealed class BucketCatalog(IIndexShard shard, TimeProvider time)
{
    public async Task<BucketRecord?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        await shard.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        using var snapshot = shard.OpenSnapshot();
        return snapshot.Get(IndexKeys.BucketKey(name)) is { } value ? IndexJson.DecodeBucket(value) : null;
    }

    public async Task<BucketRecord> RequireAsync(string name, CancellationToken cancellationToken = default) =>
        await GetAsync(name, cancellationToken).ConfigureAwait(false) ?? throw NoSuchBucket(name);

    public async Task<IReadOnlyList<BucketRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        await shard.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        using var snapshot = shard.OpenSnapshot();
        return snapshot.Scan(IndexKeys.BucketsStart(), IndexKeys.BucketsEnd()).Select(e => IndexJson.DecodeBucket(e.Value)).ToList();
    }

    public Task<BucketRecord> CreateAsync(string name, string owner, string region, CancellationToken cancellationToken = default) =>
        shard.ExecuteAsync(new CreateBucket(name, owner, region) { At = time.GetUtcNow() }, cancellationToken);

    /// <summary>Changes only the versioning state, where the bucket row is: a racing DeleteBucket or change is never undone.</summary>
    public Task<BucketRecord> PutVersioningAsync(string name, VersioningState state, CancellationToken cancellationToken = default) =>
        shard.ExecuteAsync(new PutBucketVersioning(name, state) { At = time.GetUtcNow() }, cancellationToken);

    /// <summary>Deletes a bucket that holds no version or delete marker; uploads in progress go with it.</summary>
    public Task DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        shard.ExecuteAsync(new DeleteBucket(name) { At = time.GetUtcNow() }, cancellationToken);

    public static S3Exception NoSuchBucket(string name) =>
        new(S3ErrorCode.NoSuchBucket, resource: name) { Details = new Dictionary<string, string> { ["BucketName"] = name } };
}
