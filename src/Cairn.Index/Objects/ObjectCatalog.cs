using Cairn.Core.Blobs;
using Cairn.Index.Apply;
using Cairn.Index.Commands;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Objects;

/// <summary>
/// The version table and the current pointer, as the front door and the workers use them. Reads are
/// snapshot reads (pointer and version from one point in time); every change is a command that the
/// shard applies, where its preconditions are checked and its outcome decided.
/// </summary>
public sealed class ObjectCatalog(IndexRouter index, TimeProvider time)
{
    public async Task<VersionRecord?> GetCurrentAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        using var snapshot = await index.ReadKeyAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        return ShardTables.Over(snapshot).Current(bucket, key);
    }

    public async Task<VersionRecord?> GetVersionAsync(string bucket, string key, string versionId, CancellationToken cancellationToken = default)
    {
        using var snapshot = await index.ReadKeyAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        return ShardTables.Over(snapshot).VersionById(bucket, key, versionId);
    }

    /// <summary>
    /// The version a GET or a copy reads: the current one, or the one named. A current delete marker is
    /// NoSuchKey (with x-amz-delete-marker), a named marker is MethodNotAllowed, an unknown id NoSuchVersion.
    /// </summary>
    public async Task<VersionRecord> LoadReadableAsync(string bucket, string key, string? versionId, CancellationToken cancellationToken = default)
    {
        var version = await LoadAsync(bucket, key, versionId, cancellationToken).ConfigureAwait(false);
        if (!version.IsDeleteMarker) return version;
        if (versionId is not null) throw ObjectErrors.MarkerNotAllowed(version);
        throw new Core.Errors.S3Exception(Core.Errors.S3ErrorCode.NoSuchKey)
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
        return version.IsDeleteMarker ? throw ObjectErrors.MarkerNotAllowed(version) : version;
    }

    /// <summary>Every version of one key, newest first, from one snapshot.</summary>
    public async Task<IReadOnlyList<VersionRecord>> VersionsAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        using var snapshot = await index.ReadKeyAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        var (from, to) = IndexKeys.VersionsOf(bucket, key);
        return snapshot.Scan(from, to).Select(e => IndexJson.DecodeVersion(e.Value)).ToList();
    }

    /// <summary>Whether one range owns both keys now: a copy shares its source's blobs only then.</summary>
    public bool SameRange(string bucketA, string keyA, string bucketB, string keyB) => index.SameRange(bucketA, keyA, bucketB, keyB);

    /// <summary>PutObject, CopyObject: a new version made current. With <paramref name="sharesBlobs"/> its blobs are a copy source's.</summary>
    public Task<VersionRecord> PutAsync(string bucket, string key, VersionRecord draft, ObjectCondition? condition = null, bool sharesBlobs = false,
        CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new PutVersion(bucket, key, draft, VersionIds.NewNonce()) { At = time.GetUtcNow(), Condition = condition, SharesBlobs = sharesBlobs },
            cancellationToken);

    /// <summary>
    /// DELETE without a version id: removes the object in an unversioned bucket, or drops a delete
    /// marker (a "null" one when versioning is suspended). Returns the marker, or null if none was made.
    /// </summary>
    /// <remarks>With <paramref name="ifCurrentSequence"/> (lifecycle expiration) nothing happens unless that version is still current.</remarks>
    public Task<VersionRecord?> DeleteAsync(string bucket, string key, ObjectCondition? condition = null, long? ifCurrentSequence = null,
        string reason = "delete", CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new DeleteObject(bucket, key, VersionIds.NewNonce())
        {
            At = time.GetUtcNow(), Condition = condition, IfCurrentSequence = ifCurrentSequence, Reason = reason,
        }, cancellationToken);

    /// <summary>
    /// DELETE with a version id: the reap. Permanently removes that version or marker; if it was
    /// current, the pointer falls back to the next newest version. Returns what was removed, if anything.
    /// </summary>
    /// <remarks>A version under Object Lock is refused (AccessDenied); <paramref name="bypassGovernance"/> lets a GOVERNANCE retention yield.</remarks>
    public Task<VersionRecord?> DeleteVersionAsync(string bucket, string key, string versionId, ObjectCondition? condition = null,
        string reason = "delete", bool bypassGovernance = false, CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new DeleteVersion(bucket, key, versionId)
        {
            At = time.GetUtcNow(), Condition = condition, Reason = reason, BypassGovernance = bypassGovernance,
        }, cancellationToken);

    /// <summary>
    /// PutObjectTagging and DeleteObjectTagging: one version's tag set, in place. No byte, sequence,
    /// pointer or Last-Modified changes; no new version is made.
    /// </summary>
    public Task<VersionRecord> ReplaceTagsAsync(string bucket, string key, string? versionId, Dictionary<string, string> tags,
        CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new ReplaceTags(bucket, key, versionId, tags) { At = time.GetUtcNow() }, cancellationToken);

    /// <summary>PutObjectAcl: one version's ACL, in place, checked by the shard against the bucket's ownership controls.</summary>
    public Task<VersionRecord> PutAclAsync(string bucket, string key, string? versionId, AccessControlList? acl, CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new Acl.PutObjectAcl(bucket, key, versionId, acl) { At = time.GetUtcNow() }, cancellationToken);

    /// <summary>RestoreObject on the version named: its class and restore state are checked where the version is.</summary>
    public Task<RestoreOutcome> RestoreAsync(string bucket, string key, string versionId, int days, string tier, CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new RestoreVersion(bucket, key, versionId, days, tier) { At = time.GetUtcNow() }, cancellationToken);

    /// <summary>
    /// Lifecycle's flip of <paramref name="read"/> to another class, its bytes rewritten (null for inline
    /// bytes). False when the version is gone or changed meanwhile, so the caller frees what it wrote.
    /// </summary>
    public Task<bool> TransitionAsync(string bucket, string key, VersionRecord read, string storageClass, BlobLayout? rewritten,
        CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new TransitionVersion(bucket, key, read.Sequence, read.StorageClass, read.Blobs().Select(b => b.BlobId).ToList(), storageClass, rewritten)
        {
            At = time.GetUtcNow(),
        }, cancellationToken);

    /// <summary>Repair's flip: every owner of the blob points at its rebuilt layout. False when the blob is no longer referenced.</summary>
    /// <remarks>Every range is asked: a blob shared across a split point has owners in both halves.</remarks>
    public async Task<bool> ReplaceLayoutAsync(BlobLayout rebuiltFrom, BlobLayout layout, CancellationToken cancellationToken = default)
    {
        var replaced = false;
        foreach (var shard in index.Shards)
            replaced |= await shard.ExecuteAsync(new ReplaceLayout(rebuiltFrom.Drives, layout) { At = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        return replaced;
    }

    /// <summary>The current version or the one named, delete markers included: NoSuchKey or NoSuchVersion when there is none.</summary>
    private async Task<VersionRecord> LoadAsync(string bucket, string key, string? versionId, CancellationToken cancellationToken)
    {
        using var snapshot = await index.ReadKeyAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        return ShardTables.Over(snapshot).Load(bucket, key, versionId);
    }
}

