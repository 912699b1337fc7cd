using System.Globalization;
using Cairn.Core.Errors;

namespace Cairn.Index.Objects;

/// <summary>The S3 errors of Object Lock, with AWS's codes and texts, built in one place for the shard and the front door.</summary>
public static class ObjectLockErrors
{
    /// <summary>A retention or legal hold call on a bucket without Object Lock (GetObjectRetention, PutObjectLegalHold, …).</summary>
    public static S3Exception BucketWithoutLock() => new(S3ErrorCode.InvalidRequest, "Bucket is missing Object Lock Configuration");

    /// <summary>PutObject, CopyObject or CreateMultipartUpload asking for a lock in a bucket without Object Lock (AWS words it without spaces here).</summary>
    public static S3Exception WriteToBucketWithoutLock() => new(S3ErrorCode.InvalidRequest, "Bucket is missing ObjectLockConfiguration");

    /// <summary>A version under retention or legal hold that a delete, overwrite, expiration or retention change would remove or weaken.</summary>
    public static S3Exception Protected() => new(S3ErrorCode.AccessDenied, "Access Denied because object protected by object lock.");

    public static S3Exception RetainUntilDateInPast(DateTimeOffset date, string? argumentName) =>
        new(S3ErrorCode.InvalidArgument, "The retain until date must be in the future!")
        {
            Details = argumentName is null
                ? new Dictionary<string, string>()
                : new Dictionary<string, string>
                {
                    ["ArgumentName"] = argumentName,
                    ["ArgumentValue"] = date.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                },
        };

    public static S3Exception VersioningNotEnabled() =>
        new(S3ErrorCode.InvalidBucketState, "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");

    public static S3Exception VersioningLocked() =>
        new(S3ErrorCode.InvalidBucketState, "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.");

    public static S3Exception NoConfiguration(string bucket) =>
        new(S3ErrorCode.ObjectLockConfigurationNotFoundError, resource: bucket) { Details = new Dictionary<string, string> { ["BucketName"] = bucket } };

    /// <summary>GetObjectRetention or GetObjectLegalHold on a version that has none.</summary>
    public static S3Exception NoObjectConfiguration() => new(S3ErrorCode.NoSuchObjectLockConfiguration);
}
