using System.Text;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Objects;

public sealed record ListedObject(string Key, VersionRecord Version);

public sealed record ListPage(IReadOnlyList<ListedObject> Objects, IReadOnlyList<string> CommonPrefixes, bool IsTruncated, string? NextMarker);

/// <summary>
/// Lists the current objects of a bucket in UTF-8 binary order, one page at a time, straight off
/// the ordered index: a page costs max-keys point reads, never the whole bucket. Whole common
/// prefixes are skipped with one seek.
/// </summary>
public sealed class ObjectLister(IIndexShard shard)
{
    public async Task<ListPage> ListAsync(string bucket, string prefix, string? delimiter, string? marker, int maxKeys, CancellationToken cancellationToken = default)
    {
        await shard.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        var objects = new List<ListedObject>();
        var prefixes = new List<string>();
        if (maxKeys <= 0) return new ListPage(objects, prefixes, false, null);

        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var markerBytes = string.IsNullOrEmpty(marker) ? null : Encoding.UTF8.GetBytes(marker);
        var delimiterBytes = string.IsNullOrEmpty(delimiter) ? null : Encoding.UTF8.GetBytes(delimiter);
        var from = IndexKeys.CurrentFrom(bucket, markerBytes is not null && markerBytes.AsSpan().SequenceCompareTo(prefixBytes) >= 0
            ? [.. markerBytes, 0] // first key strictly after the marker
            : prefixBytes);
        var to = IndexKeys.CurrentBucketEnd(bucket);
        string? last = null;
        var truncated = false;

        while (from is not null)
        {
            var restart = (byte[]?)null;
            await foreach (var entry in shard.ScanAsync(from, to, cancellationToken).ConfigureAwait(false))
            {
                var key = IndexKeys.ObjectKeyOfCurrent(entry.Key, bucket).ToArray();
                if (!key.AsSpan().StartsWith(prefixBytes)) goto done;
                if (CommonPrefixes.TryRollUp(key, prefixBytes, delimiterBytes, out var common, out var past))
                {
                    restart = IndexKeys.CurrentFrom(bucket, past);
                    if (CommonPrefixes.ListedBefore(common, markerBytes)) break;
                    if (objects.Count + prefixes.Count == maxKeys) { truncated = true; goto done; }
                    prefixes.Add(last = Encoding.UTF8.GetString(common));
                    break;
                }
                var version = await ReadCurrentAsync(bucket, key, entry.Value, cancellationToken).ConfigureAwait(false);
                if (version is null || version.IsDeleteMarker) continue;
                if (objects.Count + prefixes.Count == maxKeys) { truncated = true; goto done; }
                objects.Add(new ListedObject(last = Encoding.UTF8.GetString(key), version));
            }
            from = restart;
        }
    done:
        return new ListPage(objects, prefixes, truncated, truncated ? last : null);
    }

    private async Task<VersionRecord?> ReadCurrentAsync(string bucket, byte[] key, byte[] pointer, CancellationToken cancellationToken)
    {
        var value = await shard.GetAsync(IndexKeys.VersionKey(bucket, Encoding.UTF8.GetString(key), ObjectCatalog.DecodeSequence(pointer)), cancellationToken).ConfigureAwait(false);
        return value is null ? null : IndexJson.DecodeVersion(value);
    }
}
