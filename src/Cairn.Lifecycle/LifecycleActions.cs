namespace Cairn.Lifecycle;

/// <summary>Move current versions to a colder class, by age in days or on a date (midnight UTC).</summary>
public sealed record Transition(string StorageClass, int? Days = null, DateTimeOffset? Date = null);

/// <summary>
/// Expire current versions by age or date, or (ExpiredObjectDeleteMarker) remove a delete marker
/// that has no versions left behind it. AWS allows exactly one of the three.
/// </summary>
public sealed record LifecycleExpiration(int? Days = null, DateTimeOffset? Date = null, bool? ExpiredObjectDeleteMarker = null);

/// <summary>Move noncurrent versions once they have been noncurrent for NoncurrentDays.</summary>
public sealed record NoncurrentVersionTransition(string StorageClass, int NoncurrentDays, int? NewerNoncurrentVersions = null);

/// <summary>
/// Permanently delete noncurrent versions noncurrent for NoncurrentDays, keeping the
/// NewerNoncurrentVersions newest ones when that is set.
/// </summary>
public sealed record NoncurrentVersionExpiration(int NoncurrentDays, int? NewerNoncurrentVersions = null);

/// <summary>Abort multipart uploads still incomplete DaysAfterInitiation days after they began.</summary>
public sealed record AbortIncompleteMultipartUpload(int DaysAfterInitiation);
