namespace Cairn.Lifecycle;

public enum LifecycleActionKind
{
    None,
    /// <summary>Move the version to <see cref="LifecycleAction.TargetStorageClass"/>.</summary>
    Transition,
    /// <summary>Expire the current version (versioned buckets: a delete marker takes its place).</summary>
    Expire,
    /// <summary>Permanently delete a delete marker that no longer hides any version.</summary>
    RemoveExpiredDeleteMarker,
    /// <summary>Permanently delete a noncurrent version (or noncurrent delete marker).</summary>
    ExpireNoncurrent,
}

/// <summary>What is due for one version now, and the rule that made it due.</summary>
public sealed record LifecycleAction(LifecycleActionKind Kind, string? RuleId = null, string? TargetStorageClass = null)
{
    public static LifecycleAction None { get; } = new(LifecycleActionKind.None);

    public static LifecycleAction Transition(string targetStorageClass, string ruleId) =>
        new(LifecycleActionKind.Transition, ruleId, targetStorageClass);

    public static LifecycleAction Expire(string ruleId) => new(LifecycleActionKind.Expire, ruleId);

    public static LifecycleAction RemoveExpiredDeleteMarker(string ruleId) => new(LifecycleActionKind.RemoveExpiredDeleteMarker, ruleId);

    public static LifecycleAction ExpireNoncurrent(string ruleId) => new(LifecycleActionKind.ExpireNoncurrent, ruleId);
}

/// <summary>When a current version expires and the rule that expires it (what x-amz-expiration reports).</summary>
public sealed record ScheduledExpiration(DateTimeOffset Date, string RuleId);
