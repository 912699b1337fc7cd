using Cairn.Core.Keys;
using Cairn.Index.Commands;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Buckets;

/// <summary>
/// A bucket's named configuration documents (tagging, CORS, website, …), each stored as the document GET answers,
/// apart from the bucket record that every request reads. One store for every setting: a setting is a name.
/// </summary>
public sealed class BucketSettings(IndexRouter index, TimeProvider time)
{
    /// <summary>The bucket (null: there is none) and its document of the setting (null: not set), read from one snapshot.</summary>
    public async Task<(BucketRecord? Bucket, string? Document)> GetAsync(string bucket, string name, CancellationToken cancellationToken = default)
    {
        using var snapshot = (await index.ReadRangeAtAsync(RangeKeys.BucketStart(bucket), ReadScope.BucketSetting(bucket, name), cancellationToken)
            .ConfigureAwait(false)).Snapshot;
        var record = snapshot.Get(IndexKeys.BucketKey(bucket)) is { } value ? IndexJson.DecodeBucket(value) : null;
        var document = record is not null && snapshot.Get(IndexKeys.BucketSettingKey(bucket, name)) is { } bytes
            ? System.Text.Encoding.UTF8.GetString(bytes)
            : null;
        return (record, document);
    }

    /// <summary>
    /// The bucket (null: there is none) and its documents of several settings (null where not set), from one read: what
    /// authorizing a request needs (the bucket policy and Block Public Access) costs one round trip.
    /// </summary>
    public async Task<(BucketRecord? Bucket, string?[] Documents)> GetManyAsync(string bucket, IReadOnlyList<string> names,
        CancellationToken cancellationToken = default)
    {
        var scope = ReadScope.BucketSetting(bucket, names[0]);
        for (var i = 1; i < names.Count; i++) scope = scope.With(ReadScope.BucketSetting(bucket, names[i]));
        using var snapshot = (await index.ReadRangeAtAsync(RangeKeys.BucketStart(bucket), scope, cancellationToken).ConfigureAwait(false)).Snapshot;
        var record = snapshot.Get(IndexKeys.BucketKey(bucket)) is { } value ? IndexJson.DecodeBucket(value) : null;
        var documents = new string?[names.Count];
        for (var i = 0; record is not null && i < names.Count; i++)
        {
            documents[i] = snapshot.Get(IndexKeys.BucketSettingKey(bucket, names[i])) is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null;
        }
        return (record, documents);
    }

    /// <summary>Replaces the setting's document (null deletes it); NoSuchBucket when the bucket is gone.</summary>
    public Task PutAsync(string bucket, string name, string? document, CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new PutBucketSetting(bucket, name, document) { At = time.GetUtcNow() }, cancellationToken);
}
