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

    /// <summary>Replaces the setting's document (null deletes it); NoSuchBucket when the bucket is gone.</summary>
    public Task PutAsync(string bucket, string name, string? document, CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new PutBucketSetting(bucket, name, document) { At = time.GetUtcNow() }, cancellationToken);
}
