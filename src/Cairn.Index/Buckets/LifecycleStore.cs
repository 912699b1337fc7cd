using Cairn.Index.Commands;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Buckets;

/// <summary>
/// A bucket's lifecycle configuration as S3 returns it, with the transition size floor chosen at PUT
/// (x-amz-transition-default-minimum-object-size: all_storage_classes_128K or varies_by_storage_class).
/// </summary>
public sealed record StoredLifecycle(string Xml, string TransitionDefaultMinimumObjectSize);

/// <summary>
/// Each bucket's lifecycle configuration, kept apart from the bucket record so that the requests
/// that read that record never decode rules.
/// </summary>
public sealed class LifecycleStore(IndexRouter index, TimeProvider time)
{
    public async Task<StoredLifecycle?> GetAsync(string bucket, CancellationToken cancellationToken = default)
    {
        using var snapshot = await index.ReadKeyAsync(bucket, "", cancellationToken).ConfigureAwait(false);
        return snapshot.Get(IndexKeys.LifecycleKey(bucket)) is { } value ? IndexJson.DecodeLifecycle(value) : null;
    }

    public Task PutAsync(string bucket, StoredLifecycle configuration, CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new PutBucketLifecycle(bucket, configuration) { At = time.GetUtcNow() }, cancellationToken);

    public Task DeleteAsync(string bucket, CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new PutBucketLifecycle(bucket, null) { At = time.GetUtcNow() }, cancellationToken);
}
