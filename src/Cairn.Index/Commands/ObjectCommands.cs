using Cairn.Core.Blobs;
using Cairn.Index.Records;

namespace Cairn.Index.Commands;

/// <summary>
/// PutObject, CopyObject: a new version of the key, made current. Sequence and version id are assigned
/// at apply. <see cref="SharesBlobs"/> marks a version whose blobs other versions already own (a copy):
/// the apply refuses it if those blobs lost every owner meanwhile, so bytes are never shared after a free.
/// </summary>
public sealed record PutVersion(string Bucket, string Key, VersionRecord Draft, string Nonce) : IndexCommand<VersionRecord>, IObjectCommand
{
    public ObjectCondition? Condition { get; init; }
    public bool SharesBlobs { get; init; }
}

/// <summary>
/// DELETE without a version id: removes the object in an unversioned bucket, or drops a delete marker
/// (a "null" one when versioning is suspended). Answers the marker, or null when none was made.
/// With <see cref="IfCurrentSequence"/> (lifecycle expiration) nothing happens unless that version is still current.
/// </summary>
public sealed record DeleteObject(string Bucket, string Key, string Nonce) : IndexCommand<VersionRecord?>, IObjectCommand
{
    public ObjectCondition? Condition { get; init; }
    public long? IfCurrentSequence { get; init; }
    public string Reason { get; init; } = "delete";
}

/// <summary>DELETE with a version id: the reap. Answers what was removed, if anything. A version under Object Lock is refused.</summary>
public sealed record DeleteVersion(string Bucket, string Key, string VersionId) : IndexCommand<VersionRecord?>, IObjectCommand
{
    public ObjectCondition? Condition { get; init; }

    /// <summary>x-amz-bypass-governance-retention: true — a GOVERNANCE retention does not stop this delete (a legal hold or COMPLIANCE still does).</summary>
    public bool BypassGovernance { get; init; }
    public string Reason { get; init; } = "delete";
}

/// <summary>Put/DeleteObjectTagging: one version's tag set, in place; markers carry no tags.</summary>
public sealed record ReplaceTags(string Bucket, string Key, string? VersionId, Dictionary<string, string> Tags) : IndexCommand<VersionRecord>, IObjectCommand;

/// <summary>RestoreObject on an archived version. Answers the version and 202 (new), 200 (extended).</summary>
public sealed record RestoreVersion(string Bucket, string Key, string VersionId, int Days, string Tier) : IndexCommand<RestoreOutcome>, IObjectCommand;

public sealed record RestoreOutcome(VersionRecord Version, int Status);

/// <summary>
/// Lifecycle's flip: the version moves to another storage class, its bytes rewritten onto that class's
/// medium (null for inline bytes). False when the version is gone or changed class or bytes meanwhile,
/// so the caller frees what it wrote.
/// </summary>
public sealed record TransitionVersion(string Bucket, string Key, long Sequence, string FromClass, IReadOnlyList<string> BlobIds,
    string TargetClass, BlobLayout? Rewritten) : IndexCommand<bool>, IObjectCommand;

/// <summary>
/// Repair's flip: every owner of the blob now points at its rebuilt layout. False when no owner is left,
/// or when the owners' layout is no longer <see cref="RebuiltFrom"/> (another repair or a move won).
/// </summary>
public sealed record ReplaceLayout(IReadOnlyList<string> RebuiltFrom, BlobLayout Layout) : IndexCommand<bool>;

/// <summary>Repair found a listed blob whole (or unreferenced): off the range's repair list, unless an owner still holds a layout with fragments missing.</summary>
public sealed record ForgetDegraded(string BlobId) : IndexCommand<Done>;

/// <summary>The GC freed a queued blob's bytes: drop it from the queue.</summary>
public sealed record ForgetFree(byte[] QueueKey) : IndexCommand<Done>;

/// <summary>
/// Preconditions of a write or delete, checked at apply against the key's current version, atomically
/// with the change: If-Match / If-None-Match on writes, and DeleteObject's If-Match,
/// x-amz-if-match-last-modified-time and x-amz-if-match-size.
/// </summary>
public sealed record ObjectCondition
{
    public string? IfMatch { get; init; }
    public bool IfNoneMatchAny { get; init; }
    public DateTimeOffset? IfMatchLastModified { get; init; }
    public long? IfMatchSize { get; init; }

    public bool IsEmpty => IfMatch is null && !IfNoneMatchAny && IfMatchLastModified is null && IfMatchSize is null;
}
