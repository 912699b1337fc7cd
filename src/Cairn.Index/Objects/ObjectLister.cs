using System.Text;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Objects;

public sealed record ListedObject(string Key, VersionRecord Version);

public sealed record ListPage(IReadOnlyList<ListedObject> Objects, IReadOnlyList<string> CommonPrefixes, bool IsTruncated, string? NextMarker);

/// <summary>
/// Lists the current objects of a bucket in UTF-8 binary order, one page at a time, straight off the
/// ordered index, each range through one snapshot (and only the ranges the page reaches), so a key whose
/// pointer is being flipped is listed with its old or its new version, never skipped. A key costs one seek and one point read; whole common prefixes
/// are skipped with one seek.
/// </summary>
public sealed class ObjectLister(IndexRouter index)
{
    public async Task<ListPage> ListAsync(string bucket, string prefix, string? delimiter, string? marker, int maxKeys, CancellationToken cancellationToken = default)
    {
        var objects = new List<ListedObject>();
        var prefixes = new List<string>();
        if (maxKeys <= 0) return new ListPage(objects, prefixes, false, null);

        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var markerBytes = string.IsNullOrEmpty(marker) ? null : Encoding.UTF8.GetBytes(marker);
        var delimiterBytes = string.IsNullOrEmpty(delimiter) ? null : Encoding.UTF8.GetBytes(delimiter);
        var from = markerBytes is not null && markerBytes.AsSpan().SequenceCompareTo(prefixBytes) >= 0
            ? IndexKeys.PastKey(bucket, markerBytes) // first key strictly after the marker
            : IndexKeys.ObjectsFrom(bucket, prefixBytes);
        var to = IndexKeys.ObjectsOfBucket(bucket).To;
        string? last = null;
        var truncated = false;

        using var walk = index.WalkBucket(cancellationToken);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await walk.FirstAsync(from, to).ConfigureAwait(false) is not { } row) break;
            var parts = IndexKeys.ParseObjectRow(row.Key, bucket);
            var key = parts.Key;
            if (!key.AsSpan().StartsWith(prefixBytes)) break;
            from = IndexKeys.PastKey(bucket, key);
            // The current pointer is a key's first row; a key without one (only uploads) or whose current
            // version is a delete marker is not an object, and alone does not make a common prefix.
            if (parts.Tag != ObjectRowTag.Current) continue;
            var version = Apply.ShardTables.Over(await walk.AtAsync(row.Key).ConfigureAwait(false)).Version(bucket, Encoding.UTF8.GetString(key), Apply.ShardTables.Decode(row.Value));
            if (version is null || version.IsDeleteMarker) continue;
            if (CommonPrefixes.TryRollUp(key, prefixBytes, delimiterBytes, out var common, out var past))
            {
                from = IndexKeys.ObjectsFrom(bucket, past);
                if (CommonPrefixes.ListedBefore(common, markerBytes)) continue;
                if (objects.Count + prefixes.Count == maxKeys) { truncated = true; break; }
                prefixes.Add(last = Encoding.UTF8.GetString(common));
                continue;
            }
            if (objects.Count + prefixes.Count == maxKeys) { truncated = true; break; }
            objects.Add(new ListedObject(last = Encoding.UTF8.GetString(key), version));
        }
        return new ListPage(objects, prefixes, truncated, truncated ? last : null);
    }
}
