using Cairn.Core.Errors;
using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.Index.Billing;
using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.Index.Apply;

/// <summary>The apply of object commands: every decision about what a key means is made here, against the shard's state.</summary>
internal sealed class ObjectApply(VersionWrites writes, StorageMeter meter, StorageClassTable classes, DayClock days, ObjectLockRules locks)
{
    public VersionRecord Put(ShardTables t, PutVersion c)
    {
        var bucket = t.RequireBucket(c.Bucket);
        // The current version is read (and decoded) only when a condition needs it: the apply thread is shared by every write.
        if (c.Condition is { IsEmpty: false }) ConditionCheck.Require(c.Condition, t.Current(c.Bucket, c.Key), c.Key);
        // A copy shares the source's blobs: if the source was reaped since it was read, its bytes may already be queued for freeing.
        if (c.SharesBlobs && c.Draft.Blobs().Any(blob => !t.References(blob.BlobId).Any()))
            throw new S3Exception(S3ErrorCode.NoSuchKey, "The copy source was deleted while it was being copied.");
        ObjectLockRules.RequireLockable(bucket, c.Draft.Retention, c.Draft.LegalHold, c.At);
        Acl.AclRules.RequireAllowed(t, c.Bucket, c.Draft.Acl);
        var record = NewVersion(t, bucket, locks.WithDefaultRetention(bucket, c.Draft, c.At), c.Nonce, c.At);
        writes.Write(t, c.Bucket, c.Key, record, c.At);
        return record;
    }

    public VersionRecord? Delete(ShardTables t, DeleteObject c)
    {
        var bucket = t.RequireBucket(c.Bucket);
        var currentSequence = t.CurrentSequence(c.Bucket, c.Key);
        if (c.IfCurrentSequence is { } expected && currentSequence != expected) return null;
        var current = currentSequence is { } s ? t.Version(c.Bucket, c.Key, s) : null;
        ConditionCheck.Require(c.Condition, current, c.Key);
        if (bucket.Versioning == VersioningState.Unversioned)
        {
            if (current is null) return null;
            writes.Reap(t, c.Bucket, c.Key, current, c.Reason, c.At);
            t.SetCurrent(c.Bucket, c.Key, null);
            return null;
        }
        var marker = NewVersion(t, bucket, new VersionRecord { VersionId = "", Sequence = 0, LastModified = c.At, IsDeleteMarker = true }, c.Nonce, c.At);
        writes.Write(t, c.Bucket, c.Key, marker, c.At);
        return marker;
    }

    public VersionRecord? DeleteVersion(ShardTables t, DeleteVersion c)
    {
        t.RequireBucket(c.Bucket);
        var victim = t.VersionById(c.Bucket, c.Key, c.VersionId);
        if (victim is null)
        {
            ConditionCheck.Require(c.Condition, null, c.Key);
            return null;
        }
        ConditionCheck.Require(c.Condition, victim, c.Key);
        var wasCurrent = t.CurrentSequence(c.Bucket, c.Key) == victim.Sequence;
        writes.Reap(t, c.Bucket, c.Key, victim, c.Reason, c.At, c.BypassGovernance);
        if (wasCurrent)
            t.SetCurrent(c.Bucket, c.Key, t.Versions(c.Bucket, c.Key).Select(v => (long?)v.Sequence).FirstOrDefault());
        return victim;
    }

    public VersionRecord ReplaceTags(ShardTables t, ReplaceTags c)
    {
        t.RequireBucket(c.Bucket);
        var version = t.Load(c.Bucket, c.Key, c.VersionId);
        if (version.IsDeleteMarker) throw ObjectErrors.MarkerNotAllowed(version);
        var tagged = version with { Tags = c.Tags };
        t.PutVersion(c.Bucket, c.Key, tagged);
        return tagged;
    }

    public RestoreOutcome Restore(ShardTables t, RestoreVersion c)
    {
        t.RequireBucket(c.Bucket);
        var version = t.Load(c.Bucket, c.Key, c.VersionId);
        if (version.IsDeleteMarker) throw ObjectErrors.MarkerNotAllowed(version);
        var storageClass = classes[version.StorageClass];
        if (!storageClass.NeedsRestore)
            throw new S3Exception(S3ErrorCode.InvalidObjectState, "Restore is not allowed for the object's current storage class");
        if (!storageClass.RestoreDays.TryGetValue(c.Tier, out var delayDays))
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"{c.Tier} retrievals are not available for the {storageClass.Name} storage class");
        VersionRecord restored;
        var status = 202;
        switch (version.Restore?.StateAt(c.At))
        {
            case RestoreState.Ongoing:
                throw new S3Exception(S3ErrorCode.RestoreAlreadyInProgress);
            case RestoreState.Restored:
                // A live copy's expiry is reset from now, as S3 does.
                status = 200;
                restored = version with { Restore = version.Restore! with { Days = c.Days, ExpiresAt = days.AddDays(c.At, c.Days) } };
                break;
            default:
                var ready = days.AddDays(c.At, delayDays);
                restored = version with
                {
                    Restore = new RestoreRecord { Tier = c.Tier, Days = c.Days, Requested = c.At, ReadyAt = ready, ExpiresAt = days.AddDays(ready, c.Days) },
                };
                break;
        }
        t.PutVersion(c.Bucket, c.Key, restored);
        return new RestoreOutcome(restored, status);
    }

    public bool Transition(ShardTables t, TransitionVersion c)
    {
        var record = t.Version(c.Bucket, c.Key, c.Sequence);
        if (record is null || record.StorageClass != c.FromClass || !record.Blobs().Select(b => b.BlobId).SequenceEqual(c.BlobIds)) return false;
        VersionWrites.AppendLedger(t, meter.CloseVersion(c.Bucket, c.Key, record, VersionWrites.NoncurrentSince(t, c.Bucket, c.Key, record.Sequence), "transition", c.At), c.At);
        var moved = record with { StorageClass = c.TargetClass, ClassSince = c.At, Restore = null };
        if (c.Rewritten is { } rewritten)
        {
            var owner = new BlobReference(c.Bucket, c.Key, record.Sequence);
            t.AddReference(rewritten, owner);
            foreach (var blob in record.Blobs()) t.DropReference(blob, owner, c.At);
            moved = moved with { Blob = rewritten, Parts = null, RewrittenParts = record.CompletedParts()?.ToList() };
        }
        t.PutVersion(c.Bucket, c.Key, moved);
        return true;
    }

    /// <summary>Every owner of the blob in this shard (a copy shares it) is moved to the rebuilt layout.</summary>
    public bool ReplaceLayout(ShardTables t, ReplaceLayout c)
    {
        var layout = c.Layout;
        var owners = t.References(layout.BlobId).ToList();
        if (owners.Count == 0 || owners[0].Layout?.Drives.SequenceEqual(c.RebuiltFrom) != true) return false;
        foreach (var owner in owners)
        {
            if (owner.UploadId is { } uploadId)
            {
                if (t.Part(owner.Bucket, owner.Key, uploadId, owner.PartNumber) is { } part)
                    t.State.Put(IndexKeys.PartKey(owner.Bucket, owner.Key, uploadId, owner.PartNumber), IndexJson.Encode(part with { Blob = layout }));
            }
            else if (t.Version(owner.Bucket, owner.Key, owner.Sequence) is { } version)
            {
                t.PutVersion(owner.Bucket, owner.Key, version.Blob?.BlobId == layout.BlobId
                    ? version with { Blob = layout }
                    : version with { Parts = version.Parts?.Select(p => p.Blob.BlobId == layout.BlobId ? p with { Blob = layout } : p).ToList() });
            }
            t.AddReference(layout, owner);
        }
        t.ForgetDegraded(layout.BlobId);
        return true;
    }

    /// <summary>A new version or marker: the sequence and version id are the shard's to assign.</summary>
    public static VersionRecord NewVersion(ShardTables t, BucketRecord bucket, VersionRecord draft, string nonce, DateTimeOffset at)
    {
        var sequence = t.NextSequence(at);
        return draft with
        {
            Sequence = sequence,
            VersionId = bucket.Versioning == VersioningState.Enabled ? VersionIds.Of(sequence, nonce) : VersionIds.Null,
            LastModified = at,
        };
    }
}
