using System.Runtime.CompilerServices;
using Cairn.Core.Errors;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Buckets;

/// <summary>The bucket table: create, look up, list, configure and delete buckets.</summary>
public sealed class BucketCatalog(IIndexShard shard, BucketGates gates, TimeProvider time)
{
    private readonly SemaphoreSlim createLock = new(1, 1);

    public async Task<BucketRecord?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        var value = await shard.GetAsync(IndexKeys.BucketKey(name), cancellationToken).ConfigureAwait(false);
        return value is null ? null : IndexJson.DecodeBucket(value);
    }

    public async Task<BucketRecord> RequireAsync(string name, CancellationToken cancellationToken = default) =>
        await GetAsync(name, cancellationToken).ConfigureAwait(false) ?? throw NoSuchBucket(name);

    public async IAsyncEnumerable<BucketRecord> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var entry in shard.ScanAsync(IndexKeys.BucketsStart(), IndexKeys.BucketsEnd(), cancellationToken).ConfigureAwait(false))
            yield return IndexJson.DecodeBucket(entry.Value);
    }

    public async Task<BucketRecord> CreateAsync(string name, string owner, string region, CancellationToken cancellationToken = default)
    {
        await createLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await GetAsync(name, cancellationToken).ConfigureAwait(false) is not null)
                throw new S3Exception(S3ErrorCode.BucketAlreadyOwnedByYou, resource: name) { Details = new Dictionary<string, string> { ["BucketName"] = name } };
            var record = new BucketRecord { Name = name, Created = time.GetUtcNow(), Owner = owner, Region = region };
            await shard.CommitAsync(new IndexBatch().Put(IndexKeys.BucketKey(name), IndexJson.Encode(record)), cancellationToken).ConfigureAwait(false);
            gates.Reopen(name);
            return record;
        }
        finally
        {
            createLock.Release();
        }
    }

    public async Task UpdateAsync(BucketRecord record, CancellationToken cancellationToken = default) =>
        await shard.CommitAsync(new IndexBatch().Put(IndexKeys.BucketKey(record.Name), IndexJson.Encode(record)), cancellationToken).ConfigureAwait(false);

    /// <summary>Deletes an empty bucket; a bucket that holds any version or delete marker is BucketNotEmpty.</summary>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        await RequireAsync(name, cancellationToken).ConfigureAwait(false);
        await gates.CloseAsync(name, cancellationToken).ConfigureAwait(false);
        try
        {
            // Versions, delete markers and uploads in progress all keep a bucket from being deleted.
            foreach (var (from, to) in new[] { IndexKeys.VersionsOfBucket(name), IndexKeys.UploadsOfBucket(name) })
                await foreach (var _ in shard.ScanAsync(from, to, cancellationToken).ConfigureAwait(false))
                    throw new S3Exception(S3ErrorCode.BucketNotEmpty, resource: name) { Details = new Dictionary<string, string> { ["BucketName"] = name } };
            // A bucket created again under the name must not inherit its rules.
            await shard.CommitAsync(new IndexBatch().Delete(IndexKeys.BucketKey(name)).Delete(IndexKeys.LifecycleKey(name)), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gates.Reopen(name);
        }
    }

    public static S3Exception NoSuchBucket(string name) =>
        new(S3ErrorCode.NoSuchBucket, resource: name) { Details = new Dictionary<string, string> { ["BucketName"] = name } };
}
