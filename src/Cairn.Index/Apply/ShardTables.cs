using System.Buffers.Binary;
using System.Globalization;
using Cairn.Core.Blobs;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.Index.Apply;

/// <summary>The shard's tables as the apply function reads and writes them: typed rows over <see cref="IShardState"/>.</summary>
public sealed class ShardTables(IShardState state)
{
    public IShardState State => state;

    /// <summary>The same typed readers over a snapshot, for the read paths.</summary>
    public static ShardTables Over(Shards.IIndexSnapshot snapshot) => new(new SnapshotState(snapshot));

    // ---- shard counters ----

    /// <summary>
    /// The next sequence: strictly greater than every one this shard assigned, restarts included, and
    /// near the command's time (microseconds) so ids still sort by age. Decided here, never by a node's clock.
    /// </summary>
    public long NextSequence(DateTimeOffset at)
    {
        var last = state.Get(IndexKeys.SequenceKey()) is { } stored ? BinaryPrimitives.ReadInt64BigEndian(stored) : 0;
        var next = Math.Max(last + 1, at.ToUnixTimeMilliseconds() * 1000);
        state.Put(IndexKeys.SequenceKey(), Encode(next));
        return next;
    }

    // ---- buckets ----

    // One command's apply reads its bucket more than once (the closing check, then the command's own checks): it is
    // decoded once, and kept in step with this apply's own writes of it.
    private (string Name, BucketRecord? Record)? bucketRead;

    public BucketRecord? Bucket(string bucket)
    {
        if (bucketRead is { } read && read.Name == bucket) return read.Record;
        var record = state.Get(IndexKeys.BucketKey(bucket)) is { } v ? IndexJson.DecodeBucket(v) : null;
        bucketRead = (bucket, record);
        return record;
    }

    public BucketRecord RequireBucket(string bucket) => Bucket(bucket) ?? throw BucketCatalog.NoSuchBucket(bucket);

    public void PutBucket(BucketRecord record)
    {
        state.Put(IndexKeys.BucketKey(record.Name), IndexJson.Encode(record));
        bucketRead = (record.Name, record);
    }

    public void DeleteBucket(string bucket)
    {
        state.Delete(IndexKeys.BucketKey(bucket));
        bucketRead = (bucket, null);
    }

    // ---- versions and pointers ----

    public long? CurrentSequence(string bucket, string key) => state.Get(IndexKeys.CurrentKey(bucket, key)) is { } p ? Decode(p) : null;

    public VersionRecord? Current(string bucket, string key) =>
        CurrentSequence(bucket, key) is { } sequence ? Version(bucket, key, sequence) : null;

    public VersionRecord? Version(string bucket, string key, long sequence) =>
        state.Get(IndexKeys.VersionKey(bucket, key, sequence)) is { } v ? IndexJson.DecodeVersion(v) : null;

    /// <summary>The version a version id names ("null" included), or null.</summary>
    public VersionRecord? VersionById(string bucket, string key, string versionId)
    {
        if (versionId == VersionIds.Null)
            return state.Get(IndexKeys.NullVersionKey(bucket, key)) is { } p ? Version(bucket, key, Decode(p)) : null;
        var record = Version(bucket, key, VersionIds.SequenceOf(versionId));
        return record?.VersionId == versionId ? record : null;
    }

    /// <summary>The current version or the one named, delete markers included: NoSuchKey or NoSuchVersion when there is none.</summary>
    public VersionRecord Load(string bucket, string key, string? versionId) =>
        versionId is null
            ? Current(bucket, key) ?? throw ObjectErrors.NoSuchKey(key)
            : VersionById(bucket, key, versionId) ?? throw ObjectErrors.NoSuchVersion(key, versionId);

    public long? NullSequence(string bucket, string key) => state.Get(IndexKeys.NullVersionKey(bucket, key)) is { } p ? Decode(p) : null;

    public IEnumerable<VersionRecord> Versions(string bucket, string key)
    {
        var (from, to) = IndexKeys.VersionsOf(bucket, key);
        foreach (var entry in state.Scan(from, to)) yield return IndexJson.DecodeVersion(entry.Value);
    }

    public void PutVersion(string bucket, string key, VersionRecord record) =>
        state.Put(IndexKeys.VersionKey(bucket, key, record.Sequence), IndexJson.Encode(record));

    public void DeleteVersionRow(string bucket, string key, long sequence) => state.Delete(IndexKeys.VersionKey(bucket, key, sequence));

    public void SetCurrent(string bucket, string key, long? sequence)
    {
        if (sequence is { } s) state.Put(IndexKeys.CurrentKey(bucket, key), Encode(s));
        else state.Delete(IndexKeys.CurrentKey(bucket, key));
    }

    public void SetNull(string bucket, string key, long? sequence)
    {
        if (sequence is { } s) state.Put(IndexKeys.NullVersionKey(bucket, key), Encode(s));
        else state.Delete(IndexKeys.NullVersionKey(bucket, key));
    }

    // ---- uploads ----

    public UploadRecord? Upload(string bucket, string key, string uploadId) =>
        state.Get(IndexKeys.UploadKey(bucket, key, uploadId)) is { } v ? IndexJson.DecodeUpload(v) : null;

    public IEnumerable<PartRecord> Parts(string bucket, string key, string uploadId)
    {
        var (from, to) = IndexKeys.PartsOf(bucket, key, uploadId);
        foreach (var entry in state.Scan(from, to)) yield return IndexJson.DecodePart(entry.Value);
    }

    public PartRecord? Part(string bucket, string key, string uploadId, int partNumber) =>
        state.Get(IndexKeys.PartKey(bucket, key, uploadId, partNumber)) is { } v ? IndexJson.DecodePart(v) : null;

    // ---- blob references and the free queue ----

    /// <summary>Who owns a blob: a version by its sequence, or an upload's part.</summary>
    public static string VersionOwner(long sequence) => "v" + sequence.ToString("x16", CultureInfo.InvariantCulture);

    public static string PartOwner(string uploadId, int partNumber) => "p" + uploadId + "." + partNumber.ToString(CultureInfo.InvariantCulture);

    /// <summary>Adds one owner's reference; a blob with fragments missing (written while a drive was down) goes on the range's repair list too.</summary>
    public void AddReference(BlobLayout blob, BlobReference owner)
    {
        state.Put(IndexKeys.ReferenceKey(blob.BlobId, owner.Bucket, owner.Key, OwnerOf(owner)), IndexJson.Encode(owner with { Layout = blob }));
        if (blob.MissingSlots.Count > 0) state.Put(IndexKeys.DegradedKey(blob.BlobId), []);
    }

    /// <summary>Takes the blob off the range's repair list unless an owner here still holds a layout with fragments missing.</summary>
    public void ForgetDegraded(string blobId)
    {
        if (!References(blobId).Any(r => r.Layout is { MissingSlots.Count: > 0 })) state.Delete(IndexKeys.DegradedKey(blobId));
    }

    public IEnumerable<BlobReference> References(string blobId)
    {
        var (from, to) = IndexKeys.ReferencesOf(blobId);
        foreach (var entry in state.Scan(from, to)) yield return IndexJson.DecodeReference(entry.Value);
    }

    /// <summary>Drops one owner's reference; when no owner is left, the blob goes to the GC's free queue.</summary>
    public void DropReference(BlobLayout blob, BlobReference owner, DateTimeOffset at)
    {
        state.Delete(IndexKeys.ReferenceKey(blob.BlobId, owner.Bucket, owner.Key, OwnerOf(owner)));
        if (References(blob.BlobId).Any()) return;
        state.Put(IndexKeys.FreeKey(at, blob.BlobId), IndexJson.Encode(blob));
        if (blob.MissingSlots.Count > 0) state.Delete(IndexKeys.DegradedKey(blob.BlobId));
    }

    public static string OwnerOf(BlobReference reference) =>
        reference.UploadId is { } uploadId ? PartOwner(uploadId, reference.PartNumber) : VersionOwner(reference.Sequence);

    public static byte[] Encode(long sequence)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, sequence);
        return b;
    }

    public static long Decode(byte[] pointer) => BinaryPrimitives.ReadInt64BigEndian(pointer);

}
