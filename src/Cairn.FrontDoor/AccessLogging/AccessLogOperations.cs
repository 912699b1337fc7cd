using Cairn.FrontDoor.Routing;

namespace Cairn.FrontDoor.AccessLogging;

/// <summary>
/// The Operation field of an access log record, as S3 names it: REST.HTTP_METHOD.RESOURCE_TYPE (REST.GET.OBJECT,
/// REST.PUT.VERSIONING, …) for the REST API, WEBSITE.HTTP_METHOD.RESOURCE_TYPE for a website endpoint's requests.
/// </summary>
public static class AccessLogOperations
{
    public static string Name(S3Operation? operation, string method, string api) => api == "website"
        ? $"WEBSITE.{method}.OBJECT"
        : operation is { } known ? $"REST.{Method(known, method)}.{Resource(known, method)}" : $"REST.{method}.UNKNOWN";

    // S3 names copies apart from the method that carries them.
    private static string Method(S3Operation operation, string method) =>
        operation is S3Operation.CopyObject or S3Operation.UploadPartCopy ? "COPY" : method;

    private static string Resource(S3Operation operation, string method) => operation switch
    {
        S3Operation.ListBuckets => "SERVICE",
        S3Operation.CreateBucket or S3Operation.HeadBucket or S3Operation.DeleteBucket => "BUCKET",
        S3Operation.ListObjects or S3Operation.ListObjectsV2 => "BUCKET",
        S3Operation.ListObjectVersions => "BUCKETVERSIONS",
        S3Operation.GetBucketLocation => "LOCATION",
        S3Operation.GetBucketVersioning or S3Operation.PutBucketVersioning => "VERSIONING",
        S3Operation.PutObject or S3Operation.PostObject or S3Operation.CopyObject or S3Operation.GetObject
            or S3Operation.HeadObject or S3Operation.DeleteObject => "OBJECT",
        S3Operation.DeleteObjects => "MULTI_OBJECT_DELETE",
        S3Operation.GetObjectTagging or S3Operation.PutObjectTagging or S3Operation.DeleteObjectTagging => "OBJECT_TAGGING",
        S3Operation.CreateMultipartUpload or S3Operation.ListMultipartUploads => "UPLOADS",
        S3Operation.UploadPart or S3Operation.UploadPartCopy => "PART",
        S3Operation.CompleteMultipartUpload or S3Operation.AbortMultipartUpload or S3Operation.ListParts => "UPLOAD",
        S3Operation.RestoreObject => "RESTORE",
        S3Operation.PutBucketLifecycleConfiguration or S3Operation.GetBucketLifecycleConfiguration or S3Operation.DeleteBucketLifecycle => "LIFECYCLE",
        S3Operation.GetBucketTagging or S3Operation.PutBucketTagging or S3Operation.DeleteBucketTagging => "TAGGING",
        S3Operation.GetBucketCors or S3Operation.PutBucketCors or S3Operation.DeleteBucketCors => "CORS",
        S3Operation.CorsPreflight => "PREFLIGHT",
        S3Operation.GetBucketWebsite or S3Operation.PutBucketWebsite or S3Operation.DeleteBucketWebsite => "WEBSITE",
        S3Operation.GetBucketAccelerateConfiguration or S3Operation.PutBucketAccelerateConfiguration => "ACCELERATE",
        S3Operation.GetBucketRequestPayment or S3Operation.PutBucketRequestPayment => "REQUEST_PAYMENT",
        S3Operation.GetBucketEncryption or S3Operation.PutBucketEncryption or S3Operation.DeleteBucketEncryption => "ENCRYPTION",
        S3Operation.GetObjectAttributes => "OBJECT_ATTRIBUTES",
        S3Operation.PutObjectLockConfiguration or S3Operation.GetObjectLockConfiguration => "OBJECT_LOCK_CONFIGURATION",
        S3Operation.PutObjectRetention or S3Operation.GetObjectRetention => "RETENTION",
        S3Operation.PutObjectLegalHold or S3Operation.GetObjectLegalHold => "LEGAL_HOLD",
        S3Operation.GetBucketAcl or S3Operation.PutBucketAcl or S3Operation.GetObjectAcl or S3Operation.PutObjectAcl => "ACL",
        S3Operation.GetBucketOwnershipControls or S3Operation.PutBucketOwnershipControls or S3Operation.DeleteBucketOwnershipControls => "OWNERSHIP_CONTROLS",
        S3Operation.GetBucketPolicy or S3Operation.PutBucketPolicy or S3Operation.DeleteBucketPolicy => "BUCKETPOLICY",
        S3Operation.GetBucketPolicyStatus => "POLICY_STATUS",
        S3Operation.GetPublicAccessBlock or S3Operation.PutPublicAccessBlock or S3Operation.DeletePublicAccessBlock => "PUBLIC_ACCESS_BLOCK",
        S3Operation.GetBucketLogging or S3Operation.PutBucketLogging => "LOGGING_STATUS",
        S3Operation.NotImplemented => "UNKNOWN",
        _ => "UNKNOWN",
    };
}
