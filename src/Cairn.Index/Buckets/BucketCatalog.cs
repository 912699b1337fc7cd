using Cairn.Core.Errors;
using Cairn.Core.Keys;
using Cairn.Index.Commands;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Buckets;

/// <summary>The bucket table: create, look up, list, configure and delete buckets, each change one command.</summary>
public sealed class BucketCatalog(IndexRouter index, TimeProvider time)
{
    public async Task<BucketRecord?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        using var snapshot = await index.ReadKeyAsync(name, "", cancellationToken).ConfigureAwait(false);
        return snapshot.Get(IndexKeys.BucketKey(name)) is { } value ? IndexJson.DecodeBucket(value) : null;
    }

    public async Task<BucketRecord> RequireAsync(string name, CancellationToken cancellationToken = default) =>
        await GetAsync(name, cancellationToken).ConfigureAwait(false) ?? throw NoSuchBucket(name);

    public async Task<IReadOnlyList<BucketRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        // Each range keeps copies of the records of the buckets it holds keys of; a bucket is listed from the range holding its first point.
        using var ranges = await index.ReadEveryRangeAsync(ReadScope.Rows(IndexKeys.BucketsStart(), IndexKeys.BucketsEnd()), cancellationToken)
            .ConfigureAwait(false);
        return ranges.ScanEach(IndexKeys.BucketsStart(), IndexKeys.BucketsEnd())
            .Select(e => (e.Range, Bucket: IndexJson.DecodeBucket(e.Entry.Value)))
            .Where(e => e.Range.Span.Contains(RangeKeys.BucketStart(e.Bucket.Name)))
            .Select(e => e.Bucket)
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .ToList();
    }

    public Task<BucketRecord> CreateAsync(string name, string owner, string region, CancellationToken cancellationToken = default) =>
        CreateAsync(name, owner, region, objectLockEnabled: false, settings: null, cancellationToken);

    /// <summary>With <paramref name="objectLockEnabled"/> the bucket is created with Object Lock, and so versioned.</summary>
    public Task<BucketRecord> CreateAsync(string name, string owner, string region, bool objectLockEnabled, CancellationToken cancellationToken = default) =>
        CreateAsync(name, owner, region, objectLockEnabled, null, cancellationToken);

    /// <summary>With <paramref name="settings"/>: the named setting documents the bucket starts with, in the same command.</summary>
    public Task<BucketRecord> CreateAsync(string name, string owner, string region, bool objectLockEnabled,
        IReadOnlyDictionary<string, string>? settings, CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new CreateBucket(name, owner, region) { At = time.GetUtcNow(), ObjectLockEnabled = objectLockEnabled, Settings = settings },
            cancellationToken);

    /// <summary>Changes only the versioning state, where the bucket row is: a racing DeleteBucket or change is never undone.</summary>
    public Task<BucketRecord> PutVersioningAsync(string name, VersioningState state, CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new PutBucketVersioning(name, state) { At = time.GetUtcNow() }, cancellationToken);

    /// <summary>Deletes a bucket that holds no version or delete marker; uploads in progress go with it.</summary>
    public Task DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new DeleteBucket(name) { At = time.GetUtcNow() }, cancellationToken);

    public static S3Exception NoSuchBucket(string name) =>
        new(S3ErrorCode.NoSuchBucket, resource: name) { Details = new Dictionary<string, string> { ["BucketName"] = name } };
}
