using System.Runtime.CompilerServices;
using System.Text;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Objects;

/// <summary>Every version of one key, newest first: index 0 is the current one.</summary>
public sealed record KeyVersions(string Key, IReadOnlyList<VersionRecord> NewestFirst)
{
    /// <summary>When version i stopped being current: when the next newer one was written (null for the current one).</summary>
    public DateTimeOffset? NoncurrentSince(int i) => i == 0 ? null : NewestFirst[i - 1].LastModified;
}

/// <summary>Walks a bucket key by key, in key order, with each key's versions grouped: what usage, billing and lifecycle scan.</summary>
public static class BucketVersionWalk
{
    public static async IAsyncEnumerable<KeyVersions> KeysAsync(IIndexShard shard, string bucket, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (from, to) = IndexKeys.VersionsOfBucket(bucket);
        byte[]? currentKey = null;
        var versions = new List<VersionRecord>();
        await foreach (var entry in shard.ScanAsync(from, to, cancellationToken).ConfigureAwait(false))
        {
            var (key, _) = IndexKeys.ParseVersionKey(entry.Key, bucket);
            if (currentKey is not null && !key.AsSpan().SequenceEqual(currentKey))
            {
                yield return new KeyVersions(Encoding.UTF8.GetString(currentKey), versions);
                versions = [];
            }
            currentKey = key;
            versions.Add(IndexJson.DecodeVersion(entry.Value));
        }
        if (currentKey is not null) yield return new KeyVersions(Encoding.UTF8.GetString(currentKey), versions);
    }
}
