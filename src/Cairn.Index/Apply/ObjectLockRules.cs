using Cairn.Core.Time;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.Index.Apply;

/// <summary>
/// Object Lock as the apply enforces it, against the version's own state and the command's time (never a node's clock):
/// what a new version may ask for, the default retention it gets, and which versions may not be removed.
/// </summary>
internal sealed class ObjectLockRules(DayClock days)
{
    /// <summary>
    /// Refuses removing a version under a legal hold, a COMPLIANCE retention, or a GOVERNANCE retention without bypass,
    /// until its retain-until date. Every reap passes here: a delete by version id, an expiration, an overwrite of a null version.
    /// </summary>
    public static void RequireRemovable(VersionRecord version, DateTimeOffset at, bool bypassGovernance)
    {
        if (version.LegalHold == LegalHoldStatus.On) throw ObjectLockErrors.Protected();
        if (version.Retention is { } retention && retention.HoldsAt(at) && (retention.Mode == RetentionMode.Compliance || !bypassGovernance))
            throw ObjectLockErrors.Protected();
    }

    /// <summary>A lock asked for by a new object or upload: only in a bucket with Object Lock, and a retention must end after the command's time.</summary>
    public static void RequireLockable(BucketRecord bucket, ObjectRetention? retention, LegalHoldStatus? legalHold, DateTimeOffset at)
    {
        if (retention is null && legalHold is null) return;
        if (bucket.ObjectLock is null) throw ObjectLockErrors.WriteToBucketWithoutLock();
        if (retention is { } r && !r.HoldsAt(at)) throw ObjectLockErrors.RetainUntilDateInPast(r.RetainUntilDate, "x-amz-object-lock-retain-until-date");
    }

    /// <summary>
    /// The bucket's default retention for a new version that asks for none, counted from the command's time in the days
    /// lifecycle counts (a scaled day in tests); a year is 365 days.
    /// </summary>
    public VersionRecord WithDefaultRetention(BucketRecord bucket, VersionRecord draft, DateTimeOffset at)
    {
        if (draft.Retention is not null || draft.IsDeleteMarker || bucket.ObjectLock?.DefaultRetention is not { } rule) return draft;
        var until = days.AddDays(at, rule.Days ?? 365 * rule.Years ?? 0);
        // Kept to the millisecond S3 shows, rounded up so the lock never ends early: a client that puts back the date it read changes nothing.
        var extra = until.UtcTicks % TimeSpan.TicksPerMillisecond;
        return draft with { Retention = new ObjectRetention(rule.Mode, extra == 0 ? until : until.AddTicks(TimeSpan.TicksPerMillisecond - extra)) };
    }

    /// <summary>
    /// Whether a retention still in force may become <paramref name="wanted"/>: extending it in the same mode always;
    /// anything else (shorter, removed, another mode) only for GOVERNANCE with the bypass.
    /// </summary>
    public static bool MayReplace(ObjectRetention held, ObjectRetention? wanted, bool bypassGovernance) =>
        wanted is not null && wanted.Mode == held.Mode && wanted.RetainUntilDate >= held.RetainUntilDate
        || held.Mode == RetentionMode.Governance && bypassGovernance;
}
