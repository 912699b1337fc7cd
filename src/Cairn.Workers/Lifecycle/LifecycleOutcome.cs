namespace Cairn.Workers.Lifecycle;

/// <summary>One thing a lifecycle pass did: transition, expire (delete marker or delete), expire-noncurrent, remove-delete-marker, abort-upload.</summary>
public sealed record LifecycleOutcome(string Bucket, string Key, string? VersionId, string Action, string? StorageClass, string RuleId);
