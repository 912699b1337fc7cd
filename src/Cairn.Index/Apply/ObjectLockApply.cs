using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.Index.Apply;

/// <summary>The apply of Object Lock commands: a bucket's configuration, and one version's retention and legal hold, changed in place.</summary>
internal sealed class ObjectLockApply
{
    /// <summary>Enables Object Lock on a versioned bucket, or changes the default retention of one that has it.</summary>
    public BucketRecord PutConfiguration(ShardTables t, PutObjectLockConfiguration c)
    {
        var bucket = t.RequireBucket(c.Bucket);
        if (bucket.ObjectLock is null && bucket.Versioning != VersioningState.Enabled) throw ObjectLockErrors.VersioningNotEnabled();
        var record = bucket with { ObjectLock = new ObjectLockConfiguration { DefaultRetention = c.DefaultRetention } };
        t.PutBucket(record);
        return record;
    }

    public VersionRecord PutRetention(ShardTables t, PutObjectRetention c)
    {
        var version = LockableVersion(t, c.Bucket, c.Key, c.VersionId);
        if (c.Retention is { } wanted && !wanted.HoldsAt(c.At)) throw ObjectLockErrors.RetainUntilDateInPast(wanted.RetainUntilDate, argumentName: null);
        if (version.Retention is { } held && held.HoldsAt(c.At) && !ObjectLockRules.MayReplace(held, c.Retention, c.BypassGovernance))
            throw ObjectLockErrors.Protected();
        var changed = version with { Retention = c.Retention };
        t.PutVersion(c.Bucket, c.Key, changed);
        return changed;
    }

    public VersionRecord PutLegalHold(ShardTables t, PutObjectLegalHold c)
    {
        var changed = LockableVersion(t, c.Bucket, c.Key, c.VersionId) with { LegalHold = c.Status };
        t.PutVersion(c.Bucket, c.Key, changed);
        return changed;
    }

    /// <summary>The version a retention or hold call names, in a bucket with Object Lock; a delete marker holds no lock (405).</summary>
    private static VersionRecord LockableVersion(ShardTables t, string bucket, string key, string? versionId)
    {
        if (t.RequireBucket(bucket).ObjectLock is null) throw ObjectLockErrors.BucketWithoutLock();
        var version = t.Load(bucket, key, versionId);
        return version.IsDeleteMarker ? throw ObjectErrors.MarkerNotAllowed(version) : version;
    }
}
