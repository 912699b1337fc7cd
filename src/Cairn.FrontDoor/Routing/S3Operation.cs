namespace Cairn.FrontDoor.Routing;

/// <summary>Every S3 operation the router can name; one handler serves each family.</summary>
public enum S3Operation
{
    ListBuckets,
    CreateBucket,
    HeadBucket,
    DeleteBucket,
    GetBucketLocation,
    GetBucketVersioning,
    PutBucketVersioning,
    ListObjects,
    ListObjectsV2,
    ListObjectVersions,
    PutObject,
    CopyObject,
    GetObject,
    HeadObject,
    DeleteObject,
    DeleteObjects,
    GetObjectTagging,
    PutObjectTagging,
    DeleteObjectTagging,
    CreateMultipartUpload,
    UploadPart,
    UploadPartCopy,
    CompleteMultipartUpload,
    AbortMultipartUpload,
    ListParts,
    ListMultipartUploads,
    NotImplemented,
}
