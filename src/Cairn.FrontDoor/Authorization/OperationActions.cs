using Cairn.FrontDoor.Routing;
using Cairn.Policies;

namespace Cairn.FrontDoor.Authorization;

/// <summary>
/// The IAM action an S3 operation needs and the resource it is checked on, from AWS's "Actions, resources and
/// condition keys for Amazon S3" and each operation's permissions section. <see cref="VersionAction"/> replaces
/// <see cref="Action"/> when the request names a versionId (GetObject → s3:GetObjectVersion).
/// </summary>
public sealed record OperationAction(string Action, S3ResourceScope Scope, string? VersionAction = null)
{
    /// <summary>The action this request needs: the version variant when it names a version.</summary>
    public string For(string? versionId) => VersionAction is not null && !string.IsNullOrEmpty(versionId) ? VersionAction : Action;
}

/// <summary>One table for every operation: adding an operation is adding a row.</summary>
public static class OperationActions
{
    private static readonly Dictionary<S3Operation, OperationAction> Table = new()
    {
        [S3Operation.ListBuckets] = new("s3:ListAllMyBuckets", S3ResourceScope.Account),
        [S3Operation.CreateBucket] = new("s3:CreateBucket", S3ResourceScope.Bucket),
        [S3Operation.HeadBucket] = new("s3:ListBucket", S3ResourceScope.Bucket),
        [S3Operation.DeleteBucket] = new("s3:DeleteBucket", S3ResourceScope.Bucket),
        [S3Operation.GetBucketLocation] = new("s3:GetBucketLocation", S3ResourceScope.Bucket),
        [S3Operation.GetBucketVersioning] = new("s3:GetBucketVersioning", S3ResourceScope.Bucket),
        [S3Operation.PutBucketVersioning] = new("s3:PutBucketVersioning", S3ResourceScope.Bucket),
        [S3Operation.ListObjects] = new("s3:ListBucket", S3ResourceScope.Bucket),
        [S3Operation.ListObjectsV2] = new("s3:ListBucket", S3ResourceScope.Bucket),
        [S3Operation.ListObjectVersions] = new("s3:ListBucketVersions", S3ResourceScope.Bucket),
        [S3Operation.PutObject] = new("s3:PutObject", S3ResourceScope.Object),
        [S3Operation.PostObject] = new("s3:PutObject", S3ResourceScope.Object),
        // The source needs s3:GetObject(Version) as well: checked by the authorizer from x-amz-copy-source.
        [S3Operation.CopyObject] = new("s3:PutObject", S3ResourceScope.Object),
        [S3Operation.UploadPartCopy] = new("s3:PutObject", S3ResourceScope.Object),
        [S3Operation.GetObject] = new("s3:GetObject", S3ResourceScope.Object, "s3:GetObjectVersion"),
        [S3Operation.HeadObject] = new("s3:GetObject", S3ResourceScope.Object, "s3:GetObjectVersion"),
        [S3Operation.DeleteObject] = new("s3:DeleteObject", S3ResourceScope.Object, "s3:DeleteObjectVersion"),
        // Each key of the request is checked as a DeleteObject (refused entries answer AccessDenied in the result).
        [S3Operation.DeleteObjects] = new("s3:DeleteObject", S3ResourceScope.Object, "s3:DeleteObjectVersion"),
        [S3Operation.GetObjectTagging] = new("s3:GetObjectTagging", S3ResourceScope.Object, "s3:GetObjectVersionTagging"),
        [S3Operation.PutObjectTagging] = new("s3:PutObjectTagging", S3ResourceScope.Object, "s3:PutObjectVersionTagging"),
        [S3Operation.DeleteObjectTagging] = new("s3:DeleteObjectTagging", S3ResourceScope.Object, "s3:DeleteObjectVersionTagging"),
        [S3Operation.CreateMultipartUpload] = new("s3:PutObject", S3ResourceScope.Object),
        [S3Operation.UploadPart] = new("s3:PutObject", S3ResourceScope.Object),
        [S3Operation.CompleteMultipartUpload] = new("s3:PutObject", S3ResourceScope.Object),
        [S3Operation.AbortMultipartUpload] = new("s3:AbortMultipartUpload", S3ResourceScope.Object),
        [S3Operation.ListParts] = new("s3:ListMultipartUploadParts", S3ResourceScope.Object),
        [S3Operation.ListMultipartUploads] = new("s3:ListBucketMultipartUploads", S3ResourceScope.Bucket),
        [S3Operation.RestoreObject] = new("s3:RestoreObject", S3ResourceScope.Object),
        [S3Operation.PutBucketLifecycleConfiguration] = new("s3:PutLifecycleConfiguration", S3ResourceScope.Bucket),
        [S3Operation.GetBucketLifecycleConfiguration] = new("s3:GetLifecycleConfiguration", S3ResourceScope.Bucket),
        [S3Operation.DeleteBucketLifecycle] = new("s3:PutLifecycleConfiguration", S3ResourceScope.Bucket),
        [S3Operation.GetBucketTagging] = new("s3:GetBucketTagging", S3ResourceScope.Bucket),
        [S3Operation.PutBucketTagging] = new("s3:PutBucketTagging", S3ResourceScope.Bucket),
        [S3Operation.DeleteBucketTagging] = new("s3:PutBucketTagging", S3ResourceScope.Bucket),
        [S3Operation.GetBucketCors] = new("s3:GetBucketCORS", S3ResourceScope.Bucket),
        [S3Operation.PutBucketCors] = new("s3:PutBucketCORS", S3ResourceScope.Bucket),
        [S3Operation.DeleteBucketCors] = new("s3:PutBucketCORS", S3ResourceScope.Bucket),
        [S3Operation.GetBucketWebsite] = new("s3:GetBucketWebsite", S3ResourceScope.Bucket),
        [S3Operation.PutBucketWebsite] = new("s3:PutBucketWebsite", S3ResourceScope.Bucket),
        [S3Operation.DeleteBucketWebsite] = new("s3:DeleteBucketWebsite", S3ResourceScope.Bucket),
        [S3Operation.GetBucketAccelerateConfiguration] = new("s3:GetAccelerateConfiguration", S3ResourceScope.Bucket),
        [S3Operation.PutBucketAccelerateConfiguration] = new("s3:PutAccelerateConfiguration", S3ResourceScope.Bucket),
        [S3Operation.GetBucketRequestPayment] = new("s3:GetBucketRequestPayment", S3ResourceScope.Bucket),
        [S3Operation.PutBucketRequestPayment] = new("s3:PutBucketRequestPayment", S3ResourceScope.Bucket),
        [S3Operation.GetObjectAttributes] = new("s3:GetObjectAttributes", S3ResourceScope.Object, "s3:GetObjectVersionAttributes"),
        [S3Operation.PutObjectLockConfiguration] = new("s3:PutBucketObjectLockConfiguration", S3ResourceScope.Bucket),
        [S3Operation.GetObjectLockConfiguration] = new("s3:GetBucketObjectLockConfiguration", S3ResourceScope.Bucket),
        [S3Operation.PutObjectRetention] = new("s3:PutObjectRetention", S3ResourceScope.Object),
        [S3Operation.GetObjectRetention] = new("s3:GetObjectRetention", S3ResourceScope.Object),
        [S3Operation.PutObjectLegalHold] = new("s3:PutObjectLegalHold", S3ResourceScope.Object),
        [S3Operation.GetObjectLegalHold] = new("s3:GetObjectLegalHold", S3ResourceScope.Object),
        [S3Operation.GetBucketAcl] = new("s3:GetBucketAcl", S3ResourceScope.Bucket),
        [S3Operation.PutBucketAcl] = new("s3:PutBucketAcl", S3ResourceScope.Bucket),
        [S3Operation.GetObjectAcl] = new("s3:GetObjectAcl", S3ResourceScope.Object, "s3:GetObjectVersionAcl"),
        [S3Operation.PutObjectAcl] = new("s3:PutObjectAcl", S3ResourceScope.Object, "s3:PutObjectVersionAcl"),
        [S3Operation.GetBucketOwnershipControls] = new("s3:GetBucketOwnershipControls", S3ResourceScope.Bucket),
        [S3Operation.PutBucketOwnershipControls] = new("s3:PutBucketOwnershipControls", S3ResourceScope.Bucket),
        // AWS: DeleteBucketOwnershipControls needs s3:PutBucketOwnershipControls.
        [S3Operation.DeleteBucketOwnershipControls] = new("s3:PutBucketOwnershipControls", S3ResourceScope.Bucket),
        [S3Operation.GetBucketPolicy] = new("s3:GetBucketPolicy", S3ResourceScope.Bucket),
        [S3Operation.PutBucketPolicy] = new("s3:PutBucketPolicy", S3ResourceScope.Bucket),
        [S3Operation.DeleteBucketPolicy] = new("s3:DeleteBucketPolicy", S3ResourceScope.Bucket),
        [S3Operation.GetBucketPolicyStatus] = new("s3:GetBucketPolicyStatus", S3ResourceScope.Bucket),
        [S3Operation.GetPublicAccessBlock] = new("s3:GetBucketPublicAccessBlock", S3ResourceScope.Bucket),
        [S3Operation.PutPublicAccessBlock] = new("s3:PutBucketPublicAccessBlock", S3ResourceScope.Bucket),
        [S3Operation.DeletePublicAccessBlock] = new("s3:PutBucketPublicAccessBlock", S3ResourceScope.Bucket),
        [S3Operation.GetBucketEncryption] = new("s3:GetEncryptionConfiguration", S3ResourceScope.Bucket),
        [S3Operation.PutBucketEncryption] = new("s3:PutEncryptionConfiguration", S3ResourceScope.Bucket),
        [S3Operation.DeleteBucketEncryption] = new("s3:PutEncryptionConfiguration", S3ResourceScope.Bucket),
        [S3Operation.GetBucketLogging] = new("s3:GetBucketLogging", S3ResourceScope.Bucket),
        [S3Operation.PutBucketLogging] = new("s3:PutBucketLogging", S3ResourceScope.Bucket),
    };

    /// <summary>The operation's action; null for the two requests authorized otherwise (CORS preflight, NotImplemented).</summary>
    public static OperationAction? Of(S3Operation operation) => Table.GetValueOrDefault(operation);

    /// <summary>The ARN a request is authorized on.</summary>
    public static string Resource(S3ResourceScope scope, string? bucket, string? key) => scope switch
    {
        S3ResourceScope.Object => $"arn:aws:s3:::{bucket}/{key}",
        S3ResourceScope.Bucket => $"arn:aws:s3:::{bucket}",
        _ => "*",
    };
}
