using System.Buffers.Binary;
using System.Text;

namespace Cairn.Index.Records;

/// <summary>
/// The layout of the ordered keyspace. Each table has a one-byte prefix; bucket and object key are
/// separated by NUL (which neither may contain), so keys sort in UTF-8 binary order within a bucket,
/// and a key's versions sort newest first by inverted sequence.
/// </summary>
public static class IndexKeys
{
    private const byte Bucket = (byte)'b';
    private const byte Version = (byte)'v';
    private const byte Current = (byte)'c';
    private const byte Reference = (byte)'r';
    private const byte Free = (byte)'f';
    private const byte NullVersion = (byte)'n';
    private const byte Upload = (byte)'u';
    private const byte Part = (byte)'p';
    private const byte Ledger = (byte)'m';
    private const byte LifecycleRules = (byte)'l';

    public static byte[] BucketKey(string bucket) => Prefixed(Bucket, bucket);
    public static byte[] BucketsStart() => [Bucket];
    public static byte[] BucketsEnd() => [Bucket + 1];

    public static byte[] CurrentKey(string bucket, string key) => Join(Current, bucket, key);

    /// <summary>The first current-pointer key in a bucket at or after the given key text.</summary>
    public static byte[] CurrentFrom(string bucket, ReadOnlySpan<byte> keyUtf8) => JoinBytes(Current, bucket, keyUtf8);
    public static byte[] CurrentBucketEnd(string bucket) => BucketEnd(Current, bucket);

    /// <summary>The object key encoded in a current-pointer index key.</summary>
    public static ReadOnlySpan<byte> ObjectKeyOfCurrent(ReadOnlySpan<byte> indexKey, string bucket) =>
        indexKey[(2 + Encoding.UTF8.GetByteCount(bucket))..];

    public static byte[] VersionKey(string bucket, string key, long sequence)
    {
        var head = Join(Version, bucket, key);
        var k = new byte[head.Length + 1 + 8];
        head.CopyTo(k, 0);
        k[head.Length] = 0;
        BinaryPrimitives.WriteInt64BigEndian(k.AsSpan(head.Length + 1), long.MaxValue - sequence);
        return k;
    }

    /// <summary>The range holding every version of one key, newest first.</summary>
    public static (byte[] From, byte[] To) VersionsOf(string bucket, string key)
    {
        var head = Join(Version, bucket, key);
        var from = new byte[head.Length + 1];
        head.CopyTo(from, 0);
        var to = (byte[])from.Clone();
        to[^1] = 1;
        return (from, to);
    }

    public static (byte[] From, byte[] To) VersionsOfBucket(string bucket) =>
        (Prefixed(Version, bucket + "\0"), BucketEnd(Version, bucket));

    /// <summary>Pointer to the key's "null" version, the one unversioned and suspended writes replace.</summary>
    public static byte[] NullVersionKey(string bucket, string key) => Join(NullVersion, bucket, key);

    /// <summary>The first version-table key in a bucket at or after the given key bytes.</summary>
    public static byte[] VersionFrom(string bucket, ReadOnlySpan<byte> keyUtf8) => JoinBytes(Version, bucket, keyUtf8);

    /// <summary>Splits a version-table key into the object key bytes and the sequence.</summary>
    public static (byte[] Key, long Sequence) ParseVersionKey(ReadOnlySpan<byte> indexKey, string bucket)
    {
        var keyStart = 2 + Encoding.UTF8.GetByteCount(bucket);
        var key = indexKey[keyStart..^9].ToArray();
        return (key, long.MaxValue - BinaryPrimitives.ReadInt64BigEndian(indexKey[^8..]));
    }

    /// <summary>Uploads sort by key, then by upload id (time-ordered), as ListMultipartUploads returns them.</summary>
    public static byte[] UploadKey(string bucket, string key, string uploadId) => JoinBytes(Upload, bucket, [.. Encoding.UTF8.GetBytes(key), 0, .. Encoding.UTF8.GetBytes(uploadId)]);
    public static byte[] UploadFrom(string bucket, ReadOnlySpan<byte> keyUtf8) => JoinBytes(Upload, bucket, keyUtf8);
    public static (byte[] From, byte[] To) UploadsOfBucket(string bucket) => (Prefixed(Upload, bucket + "\0"), BucketEnd(Upload, bucket));

    public static (byte[] Key, string UploadId) ParseUploadKey(ReadOnlySpan<byte> indexKey, string bucket)
    {
        var rest = indexKey[(2 + Encoding.UTF8.GetByteCount(bucket))..];
        var sep = rest.LastIndexOf((byte)0);
        return (rest[..sep].ToArray(), Encoding.UTF8.GetString(rest[(sep + 1)..]));
    }

    public static byte[] PartKey(string bucket, string uploadId, int partNumber)
    {
        var head = JoinBytes(Part, bucket, [.. Encoding.UTF8.GetBytes(uploadId), 0]);
        var k = new byte[head.Length + 4];
        head.CopyTo(k, 0);
        BinaryPrimitives.WriteInt32BigEndian(k.AsSpan(head.Length), partNumber);
        return k;
    }

    public static (byte[] From, byte[] To) PartsOf(string bucket, string uploadId)
    {
        var from = JoinBytes(Part, bucket, [.. Encoding.UTF8.GetBytes(uploadId), 0]);
        var to = (byte[])from.Clone();
        to[^1] = 1;
        return (from, to);
    }

    public static (byte[] From, byte[] To) PartsOfBucket(string bucket) => (Prefixed(Part, bucket + "\0"), BucketEnd(Part, bucket));

    /// <summary>Billing ledger lines of a bucket, in the order they were closed.</summary>
    public static byte[] LedgerKey(string bucket, long sequence)
    {
        var head = Prefixed(Ledger, bucket + "\0");
        var k = new byte[head.Length + 8];
        head.CopyTo(k, 0);
        BinaryPrimitives.WriteInt64BigEndian(k.AsSpan(head.Length), sequence);
        return k;
    }

    public static (byte[] From, byte[] To) LedgerOfBucket(string bucket) => (Prefixed(Ledger, bucket + "\0"), BucketEnd(Ledger, bucket));
    public static (byte[] From, byte[] To) WholeLedger() => ([Ledger], [Ledger + 1]);

    /// <summary>A bucket's lifecycle configuration, kept apart from the bucket record that every request reads.</summary>
    public static byte[] LifecycleKey(string bucket) => Prefixed(LifecycleRules, bucket);

    public static byte[] ReferenceKey(string blobId) => Prefixed(Reference, blobId);
    public static byte[] ReferencesStart() => [Reference];
    public static byte[] ReferencesEnd() => [Reference + 1];

    public static byte[] FreeKey(DateTimeOffset queued, string blobId)
    {
        var id = Encoding.UTF8.GetBytes(blobId);
        var k = new byte[1 + 8 + id.Length];
        k[0] = Free;
        BinaryPrimitives.WriteInt64BigEndian(k.AsSpan(1), queued.ToUnixTimeMilliseconds());
        id.CopyTo(k, 9);
        return k;
    }

    public static byte[] FreeStart() => [Free];
    public static byte[] FreeEnd() => [Free + 1];

    private static byte[] Prefixed(byte table, string text)
    {
        var k = new byte[1 + Encoding.UTF8.GetByteCount(text)];
        k[0] = table;
        Encoding.UTF8.GetBytes(text, k.AsSpan(1));
        return k;
    }

    private static byte[] Join(byte table, string bucket, string key) => JoinBytes(table, bucket, Encoding.UTF8.GetBytes(key));

    private static byte[] JoinBytes(byte table, string bucket, ReadOnlySpan<byte> key)
    {
        var b = Encoding.UTF8.GetByteCount(bucket);
        var k = new byte[2 + b + key.Length];
        k[0] = table;
        Encoding.UTF8.GetBytes(bucket, k.AsSpan(1));
        k[1 + b] = 0;
        key.CopyTo(k.AsSpan(2 + b));
        return k;
    }

    private static byte[] BucketEnd(byte table, string bucket)
    {
        var k = Prefixed(table, bucket + "\0");
        k[^1] = 1;
        return k;
    }
}
