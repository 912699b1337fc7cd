using System.Text;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Objects;

public sealed record ListedVersion(string Key, VersionRecord Version, bool IsLatest);

public sealed record VersionPage(IReadOnlyList<ListedVersion> Versions, IReadOnlyList<string> CommonPrefixes, bool IsTruncated,
    string? NextKeyMarker, string? NextVersionIdMarker);

/// <summary>
/// ListObjectVersions straight off the version rows, each range through one snapshot: keys ascending in UTF-8
/// binary order, each key's versions newest first, delete markers included, common prefixes skipped by seeking.
/// </summary>
public sealed class VersionLister(IndexRouter index)
{
    public async Task<VersionPage> ListAsync(string bucket, string prefix, string? delimiter, string? keyMarker, string? versionIdMarker,
        int maxKeys, CancellationToken cancellationToken = default)
    {
        var versions = new List<ListedVersion>();
        var prefixes = new List<string>();
        if (maxKeys <= 0) return new VersionPage(versions, prefixes, false, null, null);

        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var delimiterBytes = string.IsNullOrEmpty(delimiter) ? null : Encoding.UTF8.GetBytes(delimiter);
        var markerBytes = string.IsNullOrEmpty(keyMarker) ? null : Encoding.UTF8.GetBytes(keyMarker);
        using var walk = index.WalkBucket(cancellationToken);
        var from = await StartAsync(walk, bucket, prefixBytes, keyMarker, markerBytes, versionIdMarker).ConfigureAwait(false);
        var to = IndexKeys.ObjectsOfBucket(bucket).To;
        // Resuming in the middle of a key's versions: the rest of them are not the latest.
        byte[]? previousKey = versionIdMarker is not null ? markerBytes : null;
        ListedVersion? last = null;
        string? lastPrefix = null;
        var truncated = false;

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await walk.FirstAsync(from, to).ConfigureAwait(false) is not { } first) break;
            var row = IndexKeys.ParseObjectRow(first.Key, bucket);
            var key = row.Key;
            if (!key.AsSpan().StartsWith(prefixBytes)) break;
            if (row.Tag != ObjectRowTag.Version)
            {
                // Pointers, uploads and parts sort before a key's versions, and a key with none has no version rows.
                from = row.Tag < ObjectRowTag.Version ? IndexKeys.TagOf(bucket, key, ObjectRowTag.Version) : IndexKeys.PastKey(bucket, key);
                continue;
            }
            if (CommonPrefixes.TryRollUp(key, prefixBytes, delimiterBytes, out var common, out var past))
            {
                from = IndexKeys.ObjectsFrom(bucket, past);
                if (CommonPrefixes.ListedBefore(common, markerBytes)) continue;
                if (versions.Count + prefixes.Count == maxKeys) { truncated = true; break; }
                prefixes.Add(lastPrefix = Encoding.UTF8.GetString(common));
                last = null;
                continue;
            }
            var keyText = Encoding.UTF8.GetString(key);
            foreach (var entry in (await walk.AtAsync(first.Key).ConfigureAwait(false)).Scan(first.Key, IndexKeys.PastKey(bucket, key)))
            {
                var isLatest = previousKey is null || !previousKey.AsSpan().SequenceEqual(key);
                previousKey = key;
                if (versions.Count + prefixes.Count == maxKeys) { truncated = true; break; }
                versions.Add(last = new ListedVersion(keyText, IndexJson.DecodeVersion(entry.Value), isLatest));
                lastPrefix = null;
            }
            if (truncated) break;
            from = IndexKeys.PastKey(bucket, key);
        }
        if (!truncated) return new VersionPage(versions, prefixes, false, null, null);
        return last is not null
            ? new VersionPage(versions, prefixes, true, last.Key, last.Version.VersionId)
            : new VersionPage(versions, prefixes, true, lastPrefix, null);
    }

    private static async ValueTask<byte[]> StartAsync(BucketWalk walk, string bucket, byte[] prefixBytes, string? keyMarker, byte[]? markerBytes, string? versionIdMarker)
    {
        if (markerBytes is null || markerBytes.AsSpan().SequenceCompareTo(prefixBytes) < 0) return IndexKeys.ObjectsFrom(bucket, prefixBytes);
        if (versionIdMarker is null) return IndexKeys.PastKey(bucket, markerBytes);
        long sequence;
        if (versionIdMarker == VersionIds.Null)
        {
            var nullVersion = IndexKeys.NullVersionKey(bucket, keyMarker!);
            var pointer = (await walk.AtAsync(nullVersion).ConfigureAwait(false)).Get(nullVersion);
            if (pointer is null) return IndexKeys.PastKey(bucket, markerBytes);
            sequence = Apply.ShardTables.Decode(pointer);
        }
        else sequence = VersionIds.SequenceOf(versionIdMarker);
        return [.. IndexKeys.VersionKey(bucket, keyMarker!, sequence), 0]; // strictly after that version
    }
}
