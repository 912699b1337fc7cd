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

/// <summary>A stretch of a bucket's object rows, [From, To), read from one range: every row of each key in it.</summary>
public sealed record BucketWindow(IIndexSnapshot Snapshot, byte[] From, byte[] To);

/// <summary>
/// Walks a bucket key by key, in key order: each key's versions grouped, and the uploads in progress with their
/// parts. What usage, billing and lifecycle scan.
/// </summary>
public static class BucketVersionWalk
{
    /// <summary>
    /// The keys of a bucket with their versions, window by window (<see cref="WindowsAsync"/>); with
    /// <paramref name="ranges"/>, those of the ranges it accepts only. Uploads in progress are added to
    /// <paramref name="uploads"/> as the walk passes them.
    /// </summary>
    public static async IAsyncEnumerable<KeyVersions> KeysAsync(IndexRouter index, string bucket, Func<IIndexShard, bool>? ranges = null,
        List<KeyUpload>? uploads = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var window in WindowsAsync(index, bucket, ranges, cancellationToken).ConfigureAwait(false))
            foreach (var key in Walk(window.Snapshot, window.From, window.To, bucket, uploads))
                yield return key;
    }

    /// <summary>
    /// A bucket's object rows a window at a time, range after range in key order, each range past its read barrier: a
    /// range this node holds no replica of sends a window of rows at a time (each key's rows whole), not the bucket's
    /// whole share. With <paramref name="ranges"/>, the ranges it refuses are skipped unread. A window's snapshot is
    /// disposed when the next one is asked for.
    /// </summary>
    public static async IAsyncEnumerable<BucketWindow> WindowsAsync(IndexRouter index, string bucket, Func<IIndexShard, bool>? ranges = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (from, end) = IndexKeys.ObjectsOfBucket(bucket);
        while (from.AsSpan().SequenceCompareTo(end) < 0)
        {
            var point = IndexKeys.PointOfObjectRow(from).ToArray();
            if (ranges is not null && index.RangeAt(point) is var range && (range.Shard is not { } shard || !ranges(shard)))
            {
                if (range.Span.End is null) yield break;
                var past = range.Span.RowsTo;
                // The table is read again once the walk passes the range; a range behind a split is skipped as a whole.
                if (past.AsSpan().SequenceCompareTo(from) > 0)
                {
                    from = past;
                    continue;
                }
            }
            var part = await index.ReadRangeAtAsync(point, ReadScope.Window(from, end), cancellationToken).ConfigureAwait(false);
            try
            {
                var rangeEnd = part.Span.RowsTo.AsSpan().SequenceCompareTo(end) < 0 ? part.Span.RowsTo : end;
                var to = FetchedSnapshot.ReadableTo(part.Snapshot, rangeEnd);
                yield return new BucketWindow(part.Snapshot, from, to);
                from = to;
            }
            finally
            {
                part.Snapshot.Dispose();
            }
        }
    }

    /// <summary>The keys with versions in one snapshot; the uploads in progress are added to <paramref name="uploads"/> as the walk passes them.</summary>
    public static IEnumerable<KeyVersions> Walk(IIndexSnapshot snapshot, string bucket, List<KeyUpload>? uploads)
    {
        var (from, to) = IndexKeys.ObjectsOfBucket(bucket);
        return Walk(snapshot, from, to, bucket, uploads);
    }

    /// <summary>The keys with versions in [from, to) of a snapshot, which must hold every row of each key there.</summary>
    public static IEnumerable<KeyVersions> Walk(IIndexSnapshot snapshot, byte[] from, byte[] to, string bucket, List<KeyUpload>? uploads)
    {
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
