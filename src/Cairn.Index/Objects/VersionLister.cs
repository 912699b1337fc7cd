using System.Text;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Objects;

public sealed record ListedVersion(string Key, VersionRecord Version, bool IsLatest);

public sealed record VersionPage(IReadOnlyList<ListedVersion> Versions, IReadOnlyList<string> CommonPrefixes, bool IsTruncated,
    string? NextKeyMarker, string? NextVersionIdMarker);

/// <summary>
/// ListObjectVersions straight off the version table: keys ascending in UTF-8 binary order,
/// each key's versions newest first, delete markers included, common prefixes skipped by seeking.
/// </summary>
public sealed class VersionLister(IIndexShard shard)
{
    public async Task<VersionPage> ListAsync(string bucket, string prefix, string? delimiter, string? keyMarker, string? versionIdMarker,
        int maxKeys, CancellationToken cancellationToken = default)
    {
        await shard.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        var versions = new List<ListedVersion>();
        var prefixes = new List<string>();
        if (maxKeys <= 0) return new VersionPage(versions, prefixes, false, null, null);

        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var delimiterBytes = string.IsNullOrEmpty(delimiter) ? null : Encoding.UTF8.GetBytes(delimiter);
        var markerBytes = string.IsNullOrEmpty(keyMarker) ? null : Encoding.UTF8.GetBytes(keyMarker);
        var from = await StartAsync(bucket, prefixBytes, keyMarker, markerBytes, versionIdMarker, cancellationToken).ConfigureAwait(false);
        var to = IndexKeys.VersionsOfBucket(bucket).To;
        // Resuming in the middle of a key's versions: the rest of them are not the latest.
        byte[]? previousKey = versionIdMarker is not null ? markerBytes : null;
        ListedVersion? last = null;
        string? lastPrefix = null;
        var truncated = false;

        while (from is not null)
        {
            byte[]? restart = null;
            await foreach (var entry in shard.ScanAsync(from, to, cancellationToken).ConfigureAwait(false))
            {
                var (key, _) = IndexKeys.ParseVersionKey(entry.Key, bucket);
                if (!key.AsSpan().StartsWith(prefixBytes)) goto done;
                if (CommonPrefixes.TryRollUp(key, prefixBytes, delimiterBytes, out var common, out var past))
                {
                    restart = IndexKeys.VersionFrom(bucket, past);
                    if (CommonPrefixes.ListedBefore(common, markerBytes)) break;
                    if (versions.Count + prefixes.Count == maxKeys) { truncated = true; goto done; }
                    prefixes.Add(lastPrefix = Encoding.UTF8.GetString(common));
                    last = null;
                    break;
                }
                var isLatest = previousKey is null || !previousKey.AsSpan().SequenceEqual(key);
                previousKey = key;
                if (versions.Count + prefixes.Count == maxKeys) { truncated = true; goto done; }
                versions.Add(last = new ListedVersion(Encoding.UTF8.GetString(key), IndexJson.DecodeVersion(entry.Value), isLatest));
                lastPrefix = null;
            }
            from = restart;
        }
    done:
        if (!truncated) return new VersionPage(versions, prefixes, false, null, null);
        return last is not null
            ? new VersionPage(versions, prefixes, true, last.Key, last.Version.VersionId)
            : new VersionPage(versions, prefixes, true, lastPrefix, null);
    }

    private async Task<byte[]> StartAsync(string bucket, byte[] prefixBytes, string? keyMarker, byte[]? markerBytes, string? versionIdMarker,
        CancellationToken cancellationToken)
    {
        if (markerBytes is null || markerBytes.AsSpan().SequenceCompareTo(prefixBytes) < 0) return IndexKeys.VersionFrom(bucket, prefixBytes);
        if (versionIdMarker is null) return IndexKeys.VersionFrom(bucket, [.. markerBytes, 1]); // past every version of the marker key
        long sequence;
        if (versionIdMarker == VersionIds.Null)
        {
            var pointer = await shard.GetAsync(IndexKeys.NullVersionKey(bucket, keyMarker!), cancellationToken).ConfigureAwait(false);
            if (pointer is null) return IndexKeys.VersionFrom(bucket, [.. markerBytes, 1]);
            sequence = ObjectCatalog.DecodeSequence(pointer);
        }
        else sequence = VersionIds.SequenceOf(versionIdMarker);
        return [.. IndexKeys.VersionKey(bucket, keyMarker!, sequence), 0]; // strictly after that version
    }
}
