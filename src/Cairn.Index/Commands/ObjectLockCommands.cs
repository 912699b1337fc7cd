using Cairn.Index.Records;

namespace Cairn.Index.Commands;

/// <summary>
/// PutObjectLockConfiguration: enables Object Lock on a bucket (whose versioning must be Enabled) and sets or clears its
/// default retention. Object Lock, once enabled, is never disabled.
/// </summary>
public sealed record PutObjectLockConfiguration(string Bucket, DefaultRetention? DefaultRetention) : IndexCommand<BucketRecord>, IBucketCommand;

/// <summary>
/// PutObjectRetention on the current version or the one named; null <see cref="Retention"/> removes it. What may change
/// is decided at apply against the version's retention and the command's time: extending is always allowed, shortening,
/// removing or changing the mode only of a GOVERNANCE retention and only with <see cref="BypassGovernance"/>.
/// </summary>
public sealed record PutObjectRetention(string Bucket, string Key, string? VersionId, ObjectRetention? Retention) : IndexCommand<VersionRecord>, IObjectCommand
{
    public bool BypassGovernance { get; init; }
}

/// <summary>PutObjectLegalHold on the current version or the one named.</summary>
public sealed record PutObjectLegalHold(string Bucket, string Key, string? VersionId, LegalHoldStatus Status) : IndexCommand<VersionRecord>, IObjectCommand;
