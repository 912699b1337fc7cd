using System.Buffers.Binary;
using Cairn.Core.Blobs;
using Cairn.Core.Errors;
using Cairn.Core.Time;
using Cairn.Index.Billing;
using Cairn.Index.Buckets;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Objects;

/// <summary>
/// The version table and the current pointer. Every change of what a key means is one atomic,
/// synced batch: the version record, the pointer flip, the blob references, and the frees of any
/// version it reaps. Nothing here touches bytes; freed blobs go to the free queue for the GC.
/// </summary>
public sealed class ObjectCatalog(IIndexShard shard, BucketCatalog buckets, BucketGates gates, KeyLocks locks, VersionClock clock, StorageMeter meter, TimeProvider time)
{
    public async Task<VersionRecord?> GetCurrentAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        await shard.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        var pointer = await shard.GetAsync(IndexKeys.CurrentKey(bucket, key), cancellationToken).ConfigureAwait(false);
        return pointer is null ? null : await ReadVersionAsync(bucket, key, DecodeSequence(pointer), cancellationToken).ConfigureAwait(false);
    }

    public async Task<VersionRecord?> GetVersionAsync(string bucket, string key, string versionId, CancellationToken cancellationToken = default)
    {
        await shard.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        if (versionId == VersionIds.Null)
        {
            var pointer = await shard.GetAsync(IndexKeys.NullVersionKey(bucket, key), cancellationToken).ConfigureAwait(false);
            return pointer is null ? null : await ReadVersionAsync(bucket, key, DecodeSequence(pointer), cancellationToken).ConfigureAwait(false);
        }
        var record = await ReadVersionAsync(bucket, key, VersionIds.SequenceOf(versionId), cancellationToken).ConfigureAwait(false);
        return record?.VersionId == versionId ? record : null;
    }

    /// <summary>
    /// The version a GET or a copy reads: the current one, or the one named. A current delete marker is
    /// NoSuchKey (with x-amz-delete-marker), a named marker is MethodNotAllowed, an unknown id NoSuchVersion.
    /// </summary>
    public async Task<VersionRecord> LoadReadableAsync(string bucket, string key, string? versionId, CancellationToken cancellationToken = default)
    {
        var version = await LoadAsync(bucket, key, versionId, cancellationToken).ConfigureAwait(false);
        if (!version.IsDeleteMarker) return version;
        if (versionId is not null) throw MarkerNotAllowed(version);
        throw new S3Exception(S3ErrorCode.NoSuchKey)
        {
            Details = new Dictionary<string, string> { ["Key"] = key },
            Headers = version.VersionId == VersionIds.Null
                ? new Dictionary<string, string> { ["x-amz-delete-marker"] = "true" }
                : new Dictionary<string, string> { ["x-amz-delete-marker"] = "true", ["x-amz-version-id"] = version.VersionId },
        };
    }

    /// <summary>
    /// The version a tagging call acts on. Unlike a GET, a delete marker is MethodNotAllowed whether it
    /// is current or named, as S3 answers: markers carry no tags.
    /// </summary>
    public async Task<VersionRecord> LoadTaggableAsync(string bucket, string key, string? versionId, CancellationToken cancellationToken = default)
    {
        var version = await LoadAsync(bucket, key, versionId, cancellationToken).ConfigureAwait(false);
        return version.IsDeleteMarker ? throw MarkerNotAllowed(version) : version;
    }

    /// <summary>
    /// PutObjectTagging and DeleteObjectTagging: rewrites one version's record with a new tag set, atomically,
    /// under the key's lock (so a concurrent PUT cannot reap the version between the read and the write).
    /// No byte, sequence, pointer or Last-Modified changes; no new version is made.
    /// </summary>
    public Task<VersionRecord> ReplaceTagsAsync(string bucket, string key, string? versionId, Dictionary<string, string> tags,
        CancellationToken cancellationToken = default) =>
        UpdateVersionAsync(bucket, key, versionId, v => v.IsDeleteMarker ? throw MarkerNotAllowed(v) : v with { Tags = tags }, cancellationToken);

    /// <summary>
    /// Rewrites one version's record in place: metadata only (tags, restore state), never its bytes, its
    /// version id or its place in the key's history. The version (current, or named) is found under the
    /// key's lock, so a concurrent PUT cannot reap it between the read and the write; the change runs
    /// there too and may throw to refuse. Returns the stored record.
    /// </summary>
    public async Task<VersionRecord> UpdateVersionAsync(string bucket, string key, string? versionId, Func<VersionRecord, VersionRecord> change,
        CancellationToken cancellationToken = default)
    {
        using var pass = gates.Enter(bucket);
        await buckets.RequireAsync(bucket, cancellationToken).ConfigureAwait(false);
        using var _ = await locks.AcquireAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        var record = await LoadAsync(bucket, key, versionId, cancellationToken).ConfigureAwait(false);
        var updated = change(record);
        if (ReferenceEquals(updated, record)) return record;
        await shard.CommitAsync(new IndexBatch().Put(IndexKeys.VersionKey(bucket, key, record.Sequence), IndexJson.Encode(updated)), cancellationToken).ConfigureAwait(false);
        return updated;
    }

    /// <summary>The current version or the one named, delete markers included: NoSuchKey or NoSuchVersion when there is none.</summary>
    private async Task<VersionRecord> LoadAsync(string bucket, string key, string? versionId, CancellationToken cancellationToken)
    {
        if (versionId is null)
            return await GetCurrentAsync(bucket, key, cancellationToken).ConfigureAwait(false)
                ?? throw new S3Exception(S3ErrorCode.NoSuchKey) { Details = new Dictionary<string, string> { ["Key"] = key } };
        return await GetVersionAsync(bucket, key, versionId, cancellationToken).ConfigureAwait(false)
            ?? throw new S3Exception(S3ErrorCode.NoSuchVersion) { Details = new Dictionary<string, string> { ["Key"] = key, ["VersionId"] = versionId } };
    }

    private static S3Exception MarkerNotAllowed(VersionRecord marker) => new(S3ErrorCode.MethodNotAllowed)
    {
        Headers = new Dictionary<string, string> { ["x-amz-delete-marker"] = "true", ["Allow"] = "DELETE", ["x-amz-version-id"] = marker.VersionId },
    };

    /// <summary>
    /// Commits a new version of the key and makes it current. Sequence and VersionId are assigned here.
    /// <paramref name="alongside"/> runs under the key's lock before the commit, to check preconditions
    /// and add its own operations to the same atomic batch (CompleteMultipartUpload retires its upload so).
    /// </summary>
    public async Task<VersionRecord> PutAsync(string bucket, string key, VersionRecord draft, CancellationToken cancellationToken = default,
        Func<IndexBatch, Task>? alongside = null)
    {
        using var pass = gates.Enter(bucket);
        var bucketRecord = await buckets.RequireAsync(bucket, cancellationToken).ConfigureAwait(false);
        using var _ = await locks.AcquireAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        var sequence = clock.Next();
        var record = draft with
        {
            Sequence = sequence,
            VersionId = bucketRecord.Versioning == VersioningState.Enabled ? VersionIds.New(sequence) : VersionIds.Null,
        };
        var batch = new IndexBatch();
        if (alongside is not null) await alongside(batch).ConfigureAwait(false);
        await WriteVersionAsync(batch, bucket, key, record, cancellationToken).ConfigureAwait(false);
        await shard.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
        return record;
    }

    /// <summary>
    /// DELETE without a version id: removes the object in an unversioned bucket, or drops a delete
    /// marker (a "null" one when versioning is suspended). Returns the marker, or null if none was made.
    /// </summary>
    /// <remarks>With <paramref name="ifCurrentSequence"/> (lifecycle expiration) nothing happens unless that version is still current.</remarks>
    public async Task<VersionRecord?> DeleteAsync(string bucket, string key, CancellationToken cancellationToken = default, long? ifCurrentSequence = null)
    {
        using var pass = gates.Enter(bucket);
        var bucketRecord = await buckets.RequireAsync(bucket, cancellationToken).ConfigureAwait(false);
        using var _ = await locks.AcquireAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        if (ifCurrentSequence is { } expected
            && (await shard.GetAsync(IndexKeys.CurrentKey(bucket, key), cancellationToken).ConfigureAwait(false) is not { } pointer || DecodeSequence(pointer) != expected))
            return null;
        var batch = new IndexBatch();
        if (bucketRecord.Versioning == VersioningState.Unversioned)
        {
            var current = await GetCurrentAsync(bucket, key, cancellationToken).ConfigureAwait(false);
            if (current is null) return null;
            await ReapAsync(batch, bucket, key, current, "delete", cancellationToken).ConfigureAwait(false);
            batch.Delete(IndexKeys.CurrentKey(bucket, key));
            await shard.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
            return null;
        }
        var sequence = clock.Next();
        var marker = new VersionRecord
        {
            Sequence = sequence,
            VersionId = bucketRecord.Versioning == VersioningState.Enabled ? VersionIds.New(sequence) : VersionIds.Null,
            IsDeleteMarker = true,
            LastModified = time.GetUtcNow(),
        };
        await WriteVersionAsync(batch, bucket, key, marker, cancellationToken).ConfigureAwait(false);
        await shard.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
        return marker;
    }

    /// <summary>
    /// DELETE with a version id: the reap. Permanently removes that version or marker; if it was
    /// current, the pointer falls back to the next newest version. Returns what was removed, if anything.
    /// </summary>
    public async Task<VersionRecord?> DeleteVersionAsync(string bucket, string key, string versionId, CancellationToken cancellationToken = default)
    {
        using var pass = gates.Enter(bucket);
        await buckets.RequireAsync(bucket, cancellationToken).ConfigureAwait(false);
        using var _ = await locks.AcquireAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        var victim = await GetVersionAsync(bucket, key, versionId, cancellationToken).ConfigureAwait(false);
        if (victim is null) return null;
        var batch = new IndexBatch();
        await ReapAsync(batch, bucket, key, victim, "delete", cancellationToken).ConfigureAwait(false);
        var pointer = await shard.GetAsync(IndexKeys.CurrentKey(bucket, key), cancellationToken).ConfigureAwait(false);
        if (pointer is not null && DecodeSequence(pointer) == victim.Sequence)
        {
            var next = await NewestVersionExceptAsync(bucket, key, victim.Sequence, cancellationToken).ConfigureAwait(false);
            if (next is null) batch.Delete(IndexKeys.CurrentKey(bucket, key));
            else batch.Put(IndexKeys.CurrentKey(bucket, key), EncodeSequence(next.Value));
        }
        await shard.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
        return victim;
    }

    /// <summary>Every version of one key, newest first.</summary>
    public async IAsyncEnumerable<VersionRecord> VersionsAsync(string bucket, string key, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (from, to) = IndexKeys.VersionsOf(bucket, key);
        await foreach (var entry in shard.ScanAsync(from, to, cancellationToken).ConfigureAwait(false))
            yield return IndexJson.DecodeVersion(entry.Value);
    }

    private async Task WriteVersionAsync(IndexBatch batch, string bucket, string key, VersionRecord record, CancellationToken cancellationToken)
    {
        if (record.VersionId == VersionIds.Null)
        {
            // A null version replaces the key's previous null version, whose bytes are reaped.
            var nullPointer = await shard.GetAsync(IndexKeys.NullVersionKey(bucket, key), cancellationToken).ConfigureAwait(false);
            if (nullPointer is not null && await ReadVersionAsync(bucket, key, DecodeSequence(nullPointer), cancellationToken).ConfigureAwait(false) is { } previous)
                await ReapAsync(batch, bucket, key, previous, "overwrite", cancellationToken).ConfigureAwait(false);
            batch.Put(IndexKeys.NullVersionKey(bucket, key), EncodeSequence(record.Sequence));
        }
        batch.Put(IndexKeys.VersionKey(bucket, key, record.Sequence), IndexJson.Encode(record));
        foreach (var blob in record.Blobs())
            batch.Put(IndexKeys.ReferenceKey(blob.BlobId), IndexJson.Encode(new BlobReference(bucket, key, record.Sequence) { Layout = blob }));
        batch.Put(IndexKeys.CurrentKey(bucket, key), EncodeSequence(record.Sequence));
    }

    /// <summary>
    /// Lifecycle's flip: the version moves to another storage class, its bytes rewritten onto that
    /// class's medium (null for inline bytes, which stay in the record). One atomic commit under the
    /// key's lock frees the old blobs and closes the old class on the meter; false when the version is
    /// gone or changed class meanwhile, so the caller frees what it wrote.
    /// </summary>
    public async Task<bool> TransitionAsync(string bucket, string key, VersionRecord read, string storageClass, BlobLayout? rewritten,
        CancellationToken cancellationToken = default)
    {
        using var _ = await locks.AcquireAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        var record = await ReadVersionAsync(bucket, key, read.Sequence, cancellationToken).ConfigureAwait(false);
        if (record is null || record.StorageClass != read.StorageClass || !record.Blobs().Select(b => b.BlobId).SequenceEqual(read.Blobs().Select(b => b.BlobId)))
            return false;
        var batch = new IndexBatch();
        meter.CloseVersion(batch, bucket, key, record, await NoncurrentSinceAsync(bucket, key, record.Sequence, cancellationToken).ConfigureAwait(false), "transition");
        var moved = record with { StorageClass = storageClass, ClassSince = meter.Now, Restore = null };
        if (rewritten is not null)
        {
            foreach (var blob in record.Blobs()) FreeBlob(batch, blob);
            moved = moved with { Blob = rewritten, Parts = null };
            batch.Put(IndexKeys.ReferenceKey(rewritten.BlobId), IndexJson.Encode(new BlobReference(bucket, key, record.Sequence) { Layout = rewritten }));
        }
        batch.Put(IndexKeys.VersionKey(bucket, key, record.Sequence), IndexJson.Encode(moved));
        await shard.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Repair's flip: the record that owns the blob now points at its rebuilt layout, atomically, under
    /// the key's lock. False when the blob is no longer referenced (it was reaped meanwhile).
    /// </summary>
    public async Task<bool> ReplaceLayoutAsync(BlobReference reference, BlobLayout layout, CancellationToken cancellationToken = default)
    {
        using var _ = await locks.AcquireAsync(reference.Bucket, reference.Key, cancellationToken).ConfigureAwait(false);
        var current = await shard.GetAsync(IndexKeys.ReferenceKey(layout.BlobId), cancellationToken).ConfigureAwait(false);
        if (current is null || IndexJson.DecodeReference(current) with { Layout = null } != reference with { Layout = null }) return false;
        var batch = new IndexBatch();
        if (reference.UploadId is { } uploadId)
        {
            var partKey = IndexKeys.PartKey(reference.Bucket, uploadId, reference.PartNumber);
            var part = await shard.GetAsync(partKey, cancellationToken).ConfigureAwait(false);
            if (part is null) return false;
            batch.Put(partKey, IndexJson.Encode(IndexJson.DecodePart(part) with { Blob = layout }));
        }
        else
        {
            var versionKey = IndexKeys.VersionKey(reference.Bucket, reference.Key, reference.Sequence);
            var value = await shard.GetAsync(versionKey, cancellationToken).ConfigureAwait(false);
            if (value is null) return false;
            var version = IndexJson.DecodeVersion(value);
            version = version.Blob?.BlobId == layout.BlobId
                ? version with { Blob = layout }
                : version with { Parts = version.Parts?.Select(p => p.Blob.BlobId == layout.BlobId ? p with { Blob = layout } : p).ToList() };
            batch.Put(versionKey, IndexJson.Encode(version));
        }
        batch.Put(IndexKeys.ReferenceKey(layout.BlobId), IndexJson.Encode(reference with { Layout = layout }));
        await shard.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Removes a version record, closes its meter and queues its bytes for freeing, in the caller's batch.</summary>
    private async Task ReapAsync(IndexBatch batch, string bucket, string key, VersionRecord version, string reason, CancellationToken cancellationToken)
    {
        meter.CloseVersion(batch, bucket, key, version, await NoncurrentSinceAsync(bucket, key, version.Sequence, cancellationToken).ConfigureAwait(false), reason);
        batch.Delete(IndexKeys.VersionKey(bucket, key, version.Sequence));
        if (version.VersionId == VersionIds.Null) batch.Delete(IndexKeys.NullVersionKey(bucket, key));
        foreach (var blob in version.Blobs()) FreeBlob(batch, blob);
    }

    /// <summary>Drops a blob's reference and queues its bytes for the GC, in the caller's batch.</summary>
    internal void FreeBlob(IndexBatch batch, BlobLayout blob)
    {
        batch.Delete(IndexKeys.ReferenceKey(blob.BlobId));
        batch.Put(IndexKeys.FreeKey(time.GetUtcNow(), blob.BlobId), IndexJson.Encode(blob));
    }

    /// <summary>When a version stopped being current: the time its next newer version was written; null while it is the newest.</summary>
    public async Task<DateTimeOffset?> NoncurrentSinceAsync(string bucket, string key, long sequence, CancellationToken cancellationToken = default)
    {
        // The common case (an overwrite or a delete of the current version) needs one point read, not a scan.
        if (await shard.GetAsync(IndexKeys.CurrentKey(bucket, key), cancellationToken).ConfigureAwait(false) is { } pointer && DecodeSequence(pointer) == sequence)
            return null;
        VersionRecord? newer = null;
        await foreach (var version in VersionsAsync(bucket, key, cancellationToken).ConfigureAwait(false))
        {
            if (version.Sequence == sequence) return newer?.LastModified;
            newer = version;
        }
        return null;
    }

    private async Task<long?> NewestVersionExceptAsync(string bucket, string key, long excluded, CancellationToken cancellationToken)
    {
        var (from, to) = IndexKeys.VersionsOf(bucket, key);
        await foreach (var entry in shard.ScanAsync(from, to, cancellationToken).ConfigureAwait(false))
        {
            var sequence = long.MaxValue - BinaryPrimitives.ReadInt64BigEndian(entry.Key.AsSpan(entry.Key.Length - 8));
            if (sequence != excluded) return sequence;
        }
        return null;
    }

    private async Task<VersionRecord?> ReadVersionAsync(string bucket, string key, long sequence, CancellationToken cancellationToken)
    {
        var value = await shard.GetAsync(IndexKeys.VersionKey(bucket, key, sequence), cancellationToken).ConfigureAwait(false);
        return value is null ? null : IndexJson.DecodeVersion(value);
    }

    internal static long DecodeSequence(byte[] pointer) => BinaryPrimitives.ReadInt64BigEndian(pointer);

    private static byte[] EncodeSequence(long sequence)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, sequence);
        return b;
    }
}
