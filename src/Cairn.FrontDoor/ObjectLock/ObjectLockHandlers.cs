using Cairn.Core.Names;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.FrontDoor.ObjectLock;

/// <summary>
/// Get/PutObjectLockConfiguration (bucket ?object-lock), Get/PutObjectRetention (?retention) and Get/PutObjectLegalHold
/// (?legal-hold). Reads answer from a snapshot; every change is one command whose outcome the shard decides.
/// </summary>
public sealed class ObjectLockHandlers(ObjectCatalog objects, ObjectLockCatalog locks)
{
    /// <summary>What S3 answers when one of these PUTs comes without Content-MD5 or a checksum.</summary>
    private const string ChecksumRequired = "Missing required header for this request: Content-MD5 OR x-amz-checksum-*";

    public async Task PutConfigurationAsync(S3Request s3)
    {
        await s3.BucketAsync().ConfigureAwait(false);
        var rule = ObjectLockXml.ReadConfiguration(await VerifiedBodyAsync(s3).ConfigureAwait(false));
        await locks.PutConfigurationAsync(s3.Bucket!, rule, s3.Aborted).ConfigureAwait(false);
        s3.Response.StatusCode = 200;
    }

    public async Task GetConfigurationAsync(S3Request s3)
    {
        var bucket = (await s3.BucketAsync().ConfigureAwait(false)).Bucket;
        using var xml = ObjectLockXml.WriteConfiguration(bucket.ObjectLock ?? throw ObjectLockErrors.NoConfiguration(s3.Bucket!));
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    public async Task PutRetentionAsync(S3Request s3)
    {
        var (key, versionId) = await AddressAsync(s3).ConfigureAwait(false);
        var retention = ObjectLockXml.ReadRetention(await VerifiedBodyAsync(s3).ConfigureAwait(false));
        await locks.PutRetentionAsync(s3.Bucket!, key, versionId, retention, ObjectLockHeaders.BypassesGovernance(s3.Request), s3.Aborted).ConfigureAwait(false);
        s3.Response.StatusCode = 200;
    }

    public async Task GetRetentionAsync(S3Request s3)
    {
        var version = await LockedVersionAsync(s3).ConfigureAwait(false);
        using var xml = ObjectLockXml.WriteRetention(version.Retention ?? throw ObjectLockErrors.NoObjectConfiguration());
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    public async Task PutLegalHoldAsync(S3Request s3)
    {
        var (key, versionId) = await AddressAsync(s3).ConfigureAwait(false);
        var status = ObjectLockXml.ReadLegalHold(await VerifiedBodyAsync(s3).ConfigureAwait(false));
        await locks.PutLegalHoldAsync(s3.Bucket!, key, versionId, status, s3.Aborted).ConfigureAwait(false);
        s3.Response.StatusCode = 200;
    }

    public async Task GetLegalHoldAsync(S3Request s3)
    {
        var version = await LockedVersionAsync(s3).ConfigureAwait(false);
        using var xml = ObjectLockXml.WriteLegalHold(version.LegalHold ?? throw ObjectLockErrors.NoObjectConfiguration());
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    /// <summary>The body, which S3 takes only with Content-MD5 or a checksum, checked against it.</summary>
    private static Task<byte[]> VerifiedBodyAsync(S3Request s3)
    {
        ObjectLockHeaders.RequireIntegrityCheck(s3.Request, ChecksumRequired);
        return SmallBody.ReadVerifiedAsync(s3);
    }

    /// <summary>The version a retention or hold read names, in a bucket with Object Lock; a delete marker holds none (405).</summary>
    private async Task<VersionRecord> LockedVersionAsync(S3Request s3)
    {
        var bucket = (await s3.BucketAsync().ConfigureAwait(false)).Bucket;
        if (bucket.ObjectLock is null) throw ObjectLockErrors.BucketWithoutLock();
        var versionId = s3.Query["versionId"].ToString();
        return await objects.LoadTaggableAsync(s3.Bucket!, ObjectKey.Parse(s3.Key!).Value, versionId.Length > 0 ? versionId : null, s3.Aborted).ConfigureAwait(false);
    }

    private async Task<(string Key, string? VersionId)> AddressAsync(S3Request s3)
    {
        await s3.BucketAsync().ConfigureAwait(false);
        var versionId = s3.Query["versionId"].ToString();
        return (ObjectKey.Parse(s3.Key!).Value, versionId.Length > 0 ? versionId : null);
    }
}
