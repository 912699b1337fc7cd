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
        CancellationToken cancellationToken = default) =>
        await ReadAsync(bucket, names, cancellationToken).ConfigureAwait(false) is { } state ? (state.Record, state.Settings) : (null, new string?[names.Count]);

    /// <summary>
    /// The bucket as one snapshot holds it — record, lifecycle rules, default encryption and the documents of the named
    /// settings — or null when there is no such bucket: one read serves a request's authorization and its handler.
    /// </summary>
    public async Task<BucketState?> ReadAsync(string bucket, IReadOnlyList<string> names, CancellationToken cancellationToken = default)
    {
        using var snapshot = (await index.ReadRangeAtAsync(RangeKeys.BucketStart(bucket), ReadScope.BucketSettings(bucket, names), cancellationToken)
            .ConfigureAwait(false)).Snapshot;
        if (snapshot.Get(IndexKeys.BucketKey(bucket)) is not { } record) return null;
        var documents = new string?[names.Count];
        for (var i = 0; i < names.Count; i++) documents[i] = Text(snapshot.Get(IndexKeys.BucketSettingKey(bucket, names[i])));
        return new BucketState(IndexJson.DecodeBucket(record),
            snapshot.Get(IndexKeys.LifecycleKey(bucket)) is { } rules ? IndexJson.DecodeLifecycle(rules) : null,
            Text(snapshot.Get(IndexKeys.EncryptionKey(bucket))), documents);
    }

    private static string? Text(byte[]? bytes) => bytes is null ? null : System.Text.Encoding.UTF8.GetString(bytes);

    /// <summary>Replaces the setting's document (null deletes it); NoSuchBucket when the bucket is gone.</summary>
    public Task PutAsync(string bucket, string name, string? document, CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new PutBucketSetting(bucket, name, document) { At = time.GetUtcNow() }, cancellationToken);
}

/// <summary>
/// A bucket as one snapshot held it: its record, lifecycle rules (null: none), default encryption document (null: none)
/// and the documents of the settings the read named, in their order (null where not set).
/// </summary>
public sealed record BucketState(BucketRecord Record, StoredLifecycle? Lifecycle, string? Encryption, string?[] Settings);
