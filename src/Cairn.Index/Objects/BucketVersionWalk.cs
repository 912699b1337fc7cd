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

/// <summary>An upload in progress with its parts, as a walk of the bucket finds it.</summary>
public sealed record KeyUpload(string Key, UploadRecord Upload, IReadOnlyList<PartRecord> Parts);

/// <summary>
/// Walks a bucket key by key, in key order, through one snapshot: each key's versions grouped, and the
/// uploads in progress with their parts. What usage, billing and lifecycle scan.
/// </summary>
public static class BucketVersionWalk
{
    public static async IAsyncEnumerable<KeyVersions> KeysAsync(IndexRouter index, string bucket,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var snapshot = await index.ReadBucketAsync(bucket, cancellationToken).ConfigureAwait(false);
        foreach (var key in Walk(snapshot, bucket, uploads: null)) yield return key;
    }

    /// <summary>The keys with versions; the uploads in progress are added to <paramref name="uploads"/> as the walk passes them.</summary>
    public static IEnumerable<KeyVersions> Walk(IIndexSnapshot snapshot, string bucket, List<KeyUpload>? uploads)
    {
        var (from, to) = IndexKeys.ObjectsOfBucket(bucket);
        byte[]? currentKey = null;
        var versions = new List<VersionRecord>();
        var parts = new Dictionary<string, List<PartRecord>>();
        foreach (var entry in snapshot.Scan(from, to))
        {
            var row = IndexKeys.ParseObjectRow(entry.Key, bucket);
            if (currentKey is not null && !row.Key.AsSpan().SequenceEqual(currentKey))
            {
                if (versions.Count > 0) yield return new KeyVersions(Encoding.UTF8.GetString(currentKey), versions);
                versions = [];
                parts.Clear();
            }
            currentKey = row.Key;
            switch (row.Tag)
            {
                case ObjectRowTag.Version:
                    versions.Add(IndexJson.DecodeVersion(entry.Value));
                    break;
                case ObjectRowTag.Part when uploads is not null:
                    var part = IndexJson.DecodePart(entry.Value);
                    var uploadId = Encoding.UTF8.GetString(entry.Key.AsSpan(row.SuffixStart, entry.Key.Length - row.SuffixStart - 5));
                    (parts.TryGetValue(uploadId, out var list) ? list : parts[uploadId] = []).Add(part);
                    break;
                case ObjectRowTag.Upload when uploads is not null:
                    var upload = IndexJson.DecodeUpload(entry.Value);
                    uploads.Add(new KeyUpload(upload.Key, upload, parts.GetValueOrDefault(upload.UploadId) ?? []));
                    break;
            }
        }
        if (currentKey is not null && versions.Count > 0) yield return new KeyVersions(Encoding.UTF8.GetString(currentKey), versions);
    }
}
