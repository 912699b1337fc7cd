using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Cairn.Index.Apply;
using Cairn.Index.Records;
using RocksDbSharp;

namespace Cairn.Index.Shards;

/// <summary>
/// Rewrites a store of format 1 (table-first keys: <c>v bucket ∅ key ∅ ¬seq</c>, <c>c</c>, <c>n</c>, <c>u</c>,
/// <c>p bucket ∅ uploadId ∅ part</c>, <c>r blobId</c>, <c>f</c>, <c>m</c>, <c>b</c>, <c>l</c>) into format 2 in
/// place. Restartable: every new row is written before any old row is deleted, the format mark last, and
/// a rerun rewrites the same rows again; old rows sort apart from new ones (lowercase against uppercase).
/// </summary>
internal static class FormatOneUpgrade
{
    private const int BatchRows = 10_000;

    public static bool IsFormatOne(RocksDb db)
    {
        using var iterator = db.NewIterator();
        iterator.Seek([(byte)'a']);
        return iterator.Valid() && iterator.Key()[0] is >= (byte)'a' and <= (byte)'z';
    }

    public static void Run(RocksDb db, WriteOptions syncWrite)
    {
        var uploadKeys = UploadKeys(db);
        long lastSequence = 0;
        using (var batch = new Batcher(db, syncWrite))
            foreach (var (key, value) in OldRows(db))
                foreach (var (newKey, newValue, sequence) in Convert(key, value, uploadKeys))
                {
                    batch.Put(newKey, newValue);
                    lastSequence = Math.Max(lastSequence, sequence);
                }
        if (db.Get(IndexKeys.SequenceKey()) is { } stored) lastSequence = Math.Max(lastSequence, ShardTables.Decode(stored));
        db.Put(IndexKeys.SequenceKey(), ShardTables.Encode(lastSequence), null, syncWrite);
        using (var batch = new Batcher(db, syncWrite))
            foreach (var (key, _) in OldRows(db)) batch.Delete(key);
    }

    private static IEnumerable<(byte[] Key, byte[] Value, long Sequence)> Convert(byte[] key, byte[] value, Dictionary<string, string> uploadKeys)
    {
        var rest = key[1..];
        switch ((char)key[0])
        {
            case 'b':
                yield return (IndexKeys.BucketKey(Encoding.UTF8.GetString(rest)), value, 0);
                break;
            case 'l':
                yield return (IndexKeys.LifecycleKey(Encoding.UTF8.GetString(rest)), value, 0);
                break;
            case 'v':
            {
                var (bucket, objectKey) = BucketAndKey(rest.AsSpan(0, rest.Length - 9));
                var sequence = long.MaxValue - BinaryPrimitives.ReadInt64BigEndian(rest.AsSpan(rest.Length - 8));
                yield return (IndexKeys.VersionKey(bucket, objectKey, sequence), value, sequence);
                break;
            }
            case 'c' or 'n':
            {
                var (bucket, objectKey) = BucketAndKey(rest.AsSpan());
                var row = key[0] == 'c' ? IndexKeys.CurrentKey(bucket, objectKey) : IndexKeys.NullVersionKey(bucket, objectKey);
                yield return (row, value, ShardTables.Decode(value));
                break;
            }
            case 'u':
            {
                var upload = IndexJson.DecodeUpload(value);
                var bucket = Encoding.UTF8.GetString(rest, 0, Array.IndexOf(rest, (byte)0));
                yield return (IndexKeys.UploadKey(bucket, upload.Key, upload.UploadId), value, SequenceOfId(upload.UploadId));
                break;
            }
            case 'p':
            {
                var nul = Array.IndexOf(rest, (byte)0);
                var bucket = Encoding.UTF8.GetString(rest, 0, nul);
                var afterBucket = rest[(nul + 1)..];
                var uploadId = Encoding.UTF8.GetString(afterBucket, 0, afterBucket.Length - 5);
                // A part whose upload is gone belongs to nothing: its bytes are an orphan for the GC's sweep.
                if (uploadKeys.TryGetValue(bucket + "\0" + uploadId, out var objectKey))
                    yield return (IndexKeys.PartKey(bucket, objectKey, uploadId, BinaryPrimitives.ReadInt32BigEndian(afterBucket.AsSpan(afterBucket.Length - 4))), value, 0);
                break;
            }
            case 'r':
            {
                var reference = IndexJson.DecodeReference(value);
                if (reference.Layout is not { } layout) break;
                if (reference.UploadId is { } uploadId && !uploadKeys.ContainsKey(reference.Bucket + "\0" + uploadId)) break;
                yield return (IndexKeys.ReferenceKey(layout.BlobId, reference.Bucket, reference.Key, ShardTables.OwnerOf(reference)), value, 0);
                break;
            }
            case 'f' or 'm':
                // Same layout under the new table letter.
                yield return ([(byte)char.ToUpperInvariant((char)key[0]), .. rest], value,
                    key[0] == 'm' ? BinaryPrimitives.ReadInt64BigEndian(rest.AsSpan(rest.Length - 8)) : 0);
                break;
        }
    }

    /// <summary>bucket + NUL + uploadId → the upload's object key: format 1 filed parts by upload, not by key.</summary>
    private static Dictionary<string, string> UploadKeys(RocksDb db)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in OldRows(db, (byte)'u'))
        {
            var upload = IndexJson.DecodeUpload(value);
            keys[Encoding.UTF8.GetString(key.AsSpan(1, key.AsSpan(1).IndexOf((byte)0))) + "\0" + upload.UploadId] = upload.Key;
        }
        return keys;
    }

    private static IEnumerable<(byte[] Key, byte[] Value)> OldRows(RocksDb db, byte? table = null)
    {
        byte[] from = table is { } t ? [t] : [(byte)'a'];
        byte[] to = table is { } u ? [(byte)(u + 1)] : [(byte)'z' + 1];
        foreach (var entry in RocksDbSnapshot.Scan(db, null, from, to)) yield return (entry.Key, entry.Value);
    }

    private static (string Bucket, string Key) BucketAndKey(ReadOnlySpan<byte> bucketNulKey)
    {
        var nul = bucketNulKey.IndexOf((byte)0);
        return (Encoding.UTF8.GetString(bucketNulKey[..nul]), Encoding.UTF8.GetString(bucketNulKey[(nul + 1)..]));
    }

    private static long SequenceOfId(string id) =>
        id.Length >= 16 && long.TryParse(id.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var sequence) ? sequence : 0;

    /// <summary>Synced WriteBatches of bounded size, so a large store is rewritten without one huge batch.</summary>
    private sealed class Batcher(RocksDb db, WriteOptions syncWrite) : IDisposable
    {
        private WriteBatch batch = new();
        private int rows;

        public void Put(byte[] key, byte[] value)
        {
            batch.Put(key, value);
            if (++rows == BatchRows) Flush();
        }

        public void Delete(byte[] key)
        {
            batch.Delete(key);
            if (++rows == BatchRows) Flush();
        }

        private void Flush()
        {
            if (rows > 0) db.Write(batch, syncWrite);
            batch.Dispose();
            batch = new WriteBatch();
            rows = 0;
        }

        public void Dispose()
        {
            Flush();
            batch.Dispose();
        }
    }
}
