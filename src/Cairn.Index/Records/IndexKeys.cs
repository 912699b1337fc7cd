using System.Buffers.Binary;
using System.Text;

namespace Cairn.Index.Records;

/// <summary>
/// The layout of a shard's ordered keyspace (format 2).
/// <para>Object rows: everything an object command touches sits under one (bucket, key) prefix,
/// <c>O bucket \0 key \0 tag …</c>, so a range of keys owns all of it and no object command spans two
/// ranges. Bucket and key are separated by NUL, which neither may contain, so a key's rows are
/// contiguous and keys sort in UTF-8 binary order. Tags: <c>c</c> current pointer, <c>d</c> completed
/// upload, <c>n</c> null-version pointer, <c>p</c> part, <c>u</c> upload, <c>v</c> version (newest first by
/// inverted sequence). The current pointer sorts first, so a listing reads one row per key.</para>
/// <para>Bucket rows: <c>B bucket</c> (record), <c>L bucket</c> (lifecycle rules), <c>C bucket \0 name</c> (one named
/// configuration document: tagging, cors, website, …).</para>
/// <para>Range-local rows belong to the range whose commands wrote them and carry the (bucket, key) they
/// came from: <c>R blobId \0 bucket \0 key \0 owner</c> blob references, <c>F time blobId</c> the free
/// queue, <c>M bucket \0 sequence</c> the meter ledger, <c>S …</c> the shard's own counters.</para>
/// </summary>
public static class IndexKeys
{
    private const byte Bucket = (byte)'B';
    private const byte LifecycleRules = (byte)'L';
    private const byte Setting = (byte)'C';
    private const byte Object = (byte)'O';
    private const byte Reference = (byte)'R';
    private const byte Free = (byte)'F';
    private const byte Degraded = (byte)'D';
    private const byte Ledger = (byte)'M';
    private const byte ShardState = (byte)'S';

    public static byte[] BucketKey(string bucket) => Prefixed(Bucket, bucket);
    public static byte[] BucketsStart() => [Bucket];
    public static byte[] BucketsEnd() => [Bucket + 1];

    /// <summary>A bucket's lifecycle configuration, kept apart from the bucket record that every request reads.</summary>
    public static byte[] LifecycleKey(string bucket) => Prefixed(LifecycleRules, bucket);

    /// <summary>One named configuration document of a bucket (tagging, cors, website, …).</summary>
    public static byte[] BucketSettingKey(string bucket, string name) => Prefixed(Setting, bucket + "\0" + name);

    /// <summary>The bucket's default encryption (PutBucketEncryption's document), which every object write reads with the bucket.</summary>
    public static byte[] EncryptionKey(string bucket) => BucketSettingKey(bucket, EncryptionSetting);

    public const string EncryptionSetting = "encryption";

    /// <summary>Every configuration document of a bucket.</summary>
    public static (byte[] From, byte[] To) SettingsOfBucket(string bucket)
    {
        var from = Prefixed(Setting, bucket + "\0");
        var to = (byte[])from.Clone();
        to[^1] = 1;
        return (from, to);
    }

    /// <summary>The shard's last assigned sequence.</summary>
    public static byte[] SequenceKey() => [ShardState, (byte)'q'];

    /// <summary>The keyspace format this shard was written in.</summary>
    public static byte[] FormatKey() => [ShardState, (byte)'f'];

    /// <summary>A replicated shard: the index of the last Raft log entry applied to this store.</summary>
    public static byte[] AppliedIndexKey() => [ShardState, (byte)'a'];

    /// <summary>A range's span: the key points it owns (absent: every point, as a single node's one shard).</summary>
    public static byte[] SpanKey() => [ShardState, (byte)'s'];

    /// <summary>A replicated shard: the outcome of the command with this request id, so a retry is answered, not applied again.</summary>
    public static byte[] RequestKey(string requestId) => [ShardState, .. Prefixed((byte)'r', requestId)];

    /// <summary>Whether a row is one of the shard's own counters and records (<c>S …</c>).</summary>
    public static bool IsShardStateRow(ReadOnlySpan<byte> row) => row.Length > 0 && row[0] == ShardState;

    /// <summary>Whether a row is a request-id outcome (<see cref="RequestKey"/>).</summary>
    public static bool IsRequestRow(ReadOnlySpan<byte> row) => row.Length > 1 && row[0] == ShardState && row[1] == (byte)'r';

    /// <summary>The bucket of a bucket record, lifecycle or setting row; null for any other row.</summary>
    public static string? BucketOfBucketRow(ReadOnlySpan<byte> row) => row.Length > 1 ? row[0] switch
    {
        Bucket or LifecycleRules => Encoding.UTF8.GetString(row[1..]),
        Setting => Encoding.UTF8.GetString(row[1..][..row[1..].IndexOf((byte)0)]),
        _ => null,
    } : null;

    // ---- object rows ----

    public static byte[] CurrentKey(string bucket, string key) => ObjectRow(bucket, key, (byte)ObjectRowTag.Current, []);
    public static byte[] NullVersionKey(string bucket, string key) => ObjectRow(bucket, key, (byte)ObjectRowTag.NullVersion, []);

    public static byte[] VersionKey(string bucket, string key, long sequence)
    {
        Span<byte> inverted = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(inverted, long.MaxValue - sequence);
        return ObjectRow(bucket, key, (byte)ObjectRowTag.Version, inverted);
    }

    /// <summary>The range holding every version of one key, newest first.</summary>
    public static (byte[] From, byte[] To) VersionsOf(string bucket, string key) => TagRange(bucket, key, (byte)ObjectRowTag.Version);

    public static byte[] UploadKey(string bucket, string key, string uploadId) => ObjectRow(bucket, key, (byte)ObjectRowTag.Upload, Encoding.UTF8.GetBytes(uploadId));
    public static (byte[] From, byte[] To) UploadsOf(string bucket, string key) => TagRange(bucket, key, (byte)ObjectRowTag.Upload);

    public static byte[] CompletedUploadKey(string bucket, string key, string uploadId) => ObjectRow(bucket, key, (byte)ObjectRowTag.CompletedUpload, Encoding.UTF8.GetBytes(uploadId));
    public static (byte[] From, byte[] To) CompletedUploadsOf(string bucket, string key) => TagRange(bucket, key, (byte)ObjectRowTag.CompletedUpload);

    public static byte[] PartKey(string bucket, string key, string uploadId, int partNumber)
    {
        var head = PartsOf(bucket, key, uploadId).From;
        var k = new byte[head.Length + 4];
        head.CopyTo(k, 0);
        BinaryPrimitives.WriteInt32BigEndian(k.AsSpan(head.Length), partNumber);
        return k;
    }

    public static (byte[] From, byte[] To) PartsOf(string bucket, string key, string uploadId)
    {
        var from = ObjectRow(bucket, key, (byte)ObjectRowTag.Part, [.. Encoding.UTF8.GetBytes(uploadId), 0]);
        var to = (byte[])from.Clone();
        to[^1] = 1;
        return (from, to);
    }

    /// <summary>Every object row of a bucket.</summary>
    public static (byte[] From, byte[] To) ObjectsOfBucket(string bucket)
    {
        var from = Prefixed(Object, bucket + "\0");
        var to = (byte[])from.Clone();
        to[^1] = 1;
        return (from, to);
    }

    /// <summary>The first object row of a bucket whose key is at or after the given key bytes.</summary>
    public static byte[] ObjectsFrom(string bucket, ReadOnlySpan<byte> keyUtf8)
    {
        var head = Prefixed(Object, bucket + "\0");
        return [.. head, .. keyUtf8];
    }

    /// <summary>The first object row of a bucket past every row of the given key.</summary>
    public static byte[] PastKey(string bucket, ReadOnlySpan<byte> keyUtf8) => [.. ObjectsFrom(bucket, keyUtf8), 1];

    /// <summary>The first row of one tag of a key, by key bytes.</summary>
    public static byte[] TagOf(string bucket, ReadOnlySpan<byte> keyUtf8, ObjectRowTag tag) => [.. ObjectsFrom(bucket, keyUtf8), 0, (byte)tag];

    /// <summary>The range point (bucket NUL key) an object row belongs to: its bytes between the table byte and the NUL after the key.</summary>
    public static ReadOnlySpan<byte> PointOfObjectRow(ReadOnlySpan<byte> row)
    {
        var body = row[1..];
        var bucketEnd = body.IndexOf((byte)0);
        var keyEnd = body[(bucketEnd + 1)..].IndexOf((byte)0);
        return keyEnd < 0 ? body : body[..(bucketEnd + 1 + keyEnd)];
    }

    /// <summary>Whether an index key is an object row (every row an object command touches).</summary>
    public static bool IsObjectRow(ReadOnlySpan<byte> row) => row.Length > 0 && row[0] == Object;

    /// <summary>The first object row at or after a range point.</summary>
    public static byte[] ObjectRowsFrom(ReadOnlySpan<byte> point) => [Object, .. point];

    /// <summary>The first row past every object row.</summary>
    public static byte[] ObjectRowsEnd() => [Object + 1];

    /// <summary>Splits an object row into its key bytes, its tag and what follows the tag.</summary>
    public static ObjectRowParts ParseObjectRow(byte[] indexKey, string bucket)
    {
        var keyStart = 2 + Encoding.UTF8.GetByteCount(bucket);
        var end = indexKey.AsSpan(keyStart).IndexOf((byte)0) + keyStart;
        return new ObjectRowParts(indexKey[keyStart..end], (ObjectRowTag)indexKey[end + 1], end + 2);
    }


    // ---- range-local rows ----

    /// <summary>One owner's reference to a blob; an owner is a version (by sequence) or an upload's part.</summary>
    public static byte[] ReferenceKey(string blobId, string bucket, string key, string owner) =>
        [.. ReferencesOf(blobId).From, .. Encoding.UTF8.GetBytes(bucket), 0, .. Encoding.UTF8.GetBytes(key), 0, .. Encoding.UTF8.GetBytes(owner)];

    public static (byte[] From, byte[] To) ReferencesOf(string blobId)
    {
        byte[] from = [.. Prefixed(Reference, blobId), 0];
        var to = (byte[])from.Clone();
        to[^1] = 1;
        return (from, to);
    }

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

    /// <summary>A blob written (or left) with fragments missing, waiting for repair: range-local, like the references.</summary>
    public static byte[] DegradedKey(string blobId) => Prefixed(Degraded, blobId);

    public static string BlobOfDegradedKey(byte[] key) => Encoding.UTF8.GetString(key, 1, key.Length - 1);

    public static byte[] DegradedStart() => [Degraded];
    public static byte[] DegradedEnd() => [Degraded + 1];

    public static byte[] FreeStart() => [Free];
    public static byte[] FreeEnd() => [Free + 1];

    /// <summary>Billing ledger lines of a bucket, in the order they were closed.</summary>
    public static byte[] LedgerKey(string bucket, long sequence)
    {
        var head = Prefixed(Ledger, bucket + "\0");
        var k = new byte[head.Length + 8];
        head.CopyTo(k, 0);
        BinaryPrimitives.WriteInt64BigEndian(k.AsSpan(head.Length), sequence);
        return k;
    }

    public static bool IsLedgerRow(ReadOnlySpan<byte> row) => row.Length > 0 && row[0] == Ledger;

    /// <summary>The bucket of a ledger line's key: between the table byte and the NUL before the sequence.</summary>
    public static string BucketOfLedgerRow(ReadOnlySpan<byte> row) => Encoding.UTF8.GetString(row[1..^9]);

    public static byte[] LedgerStart() => [Ledger];
    public static byte[] LedgerEnd() => [Ledger + 1];

    public static (byte[] From, byte[] To) LedgerOfBucket(string bucket)
    {
        var from = Prefixed(Ledger, bucket + "\0");
        var to = (byte[])from.Clone();
        to[^1] = 1;
        return (from, to);
    }

    private static byte[] ObjectRow(string bucket, string key, byte tag, ReadOnlySpan<byte> rest)
    {
        var b = Encoding.UTF8.GetByteCount(bucket);
        var n = Encoding.UTF8.GetByteCount(key);
        var k = new byte[1 + b + 1 + n + 2 + rest.Length];
        k[0] = Object;
        Encoding.UTF8.GetBytes(bucket, k.AsSpan(1));
        k[1 + b] = 0;
        Encoding.UTF8.GetBytes(key, k.AsSpan(2 + b));
        k[2 + b + n] = 0;
        k[3 + b + n] = tag;
        rest.CopyTo(k.AsSpan(4 + b + n));
        return k;
    }

    private static (byte[] From, byte[] To) TagRange(string bucket, string key, byte tag)
    {
        var from = ObjectRow(bucket, key, tag, []);
        var to = (byte[])from.Clone();
        to[^1]++;
        return (from, to);
    }

    private static byte[] Prefixed(byte table, string text)
    {
        var k = new byte[1 + Encoding.UTF8.GetByteCount(text)];
        k[0] = table;
        Encoding.UTF8.GetBytes(text, k.AsSpan(1));
        return k;
    }
}

/// <summary>The kinds of row under one object key.</summary>
public enum ObjectRowTag : byte
{
    Current = (byte)'c',
    CompletedUpload = (byte)'d',
    NullVersion = (byte)'n',
    Part = (byte)'p',
    Upload = (byte)'u',
    Version = (byte)'v',
}

/// <summary>An object row taken apart: the key's UTF-8 bytes, the row's tag, and where the tag's own suffix starts.</summary>
public readonly record struct ObjectRowParts(byte[] Key, ObjectRowTag Tag, int SuffixStart);
