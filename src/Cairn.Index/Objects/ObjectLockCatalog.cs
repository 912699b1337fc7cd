using Cairn.Index.Commands;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Objects;

/// <summary>
/// Object Lock's changes, each one command: a bucket's configuration, one version's retention or legal hold. Whether a
/// change is allowed is decided where the version is, at apply, against the time the command carries.
/// </summary>
public sealed class ObjectLockCatalog(IndexRouter index, TimeProvider time)
{
    public Task<BucketRecord> PutConfigurationAsync(string bucket, DefaultRetention? defaultRetention, CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new PutObjectLockConfiguration(bucket, defaultRetention) { At = time.GetUtcNow() }, cancellationToken);

    /// <summary>Sets (or, with null, removes) the retention of the current version or the one named.</summary>
    public Task<VersionRecord> PutRetentionAsync(string bucket, string key, string? versionId, ObjectRetention? retention, bool bypassGovernance,
        CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new PutObjectRetention(bucket, key, versionId, retention) { At = time.GetUtcNow(), BypassGovernance = bypassGovernance },
            cancellationToken);

    public Task<VersionRecord> PutLegalHoldAsync(string bucket, string key, string? versionId, LegalHoldStatus status, CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(new PutObjectLegalHold(bucket, key, versionId, status) { At = time.GetUtcNow() }, cancellationToken);
}
