using Cairn.Core.Errors;

namespace Cairn.FrontDoor.Xml;

/// <summary>
/// The largest body an operation reads whole (an XML configuration, a manifest, a policy) and S3's answer past it:
/// 400 MaxMessageLengthExceeded unless the operation has an error of its own. The bytes counted are those after
/// aws-chunked decoding, so a signed-chunk upload meets the same limit as a plain one.
/// </summary>
public sealed record BodyLimit(int MaxBytes, S3ErrorCode Error, string? Message = null)
{
    /// <summary>A bucket or object configuration (versioning, lifecycle, tagging, ACL, website, Object Lock, restore, …).</summary>
    public static readonly BodyLimit Configuration = new(1024 * 1024, S3ErrorCode.MaxMessageLengthExceeded);

    /// <summary>PutBucketCors: "The maximum size of a CORS configuration is 64 KB", as AWS documents.</summary>
    public static readonly BodyLimit Cors = new(64 * 1024, S3ErrorCode.MaxMessageLengthExceeded);

    /// <summary>CompleteMultipartUpload: 10,000 parts with an ETag and every checksum element fit in 512 bytes each.</summary>
    public static readonly BodyLimit CompleteMultipartUpload = new(10_000 * 512, S3ErrorCode.MaxMessageLengthExceeded);

    /// <summary>
    /// DeleteObjects: 1,000 keys of 1,024 UTF-8 bytes, escaped in XML (up to 6 bytes a character), with a version id
    /// and conditions. More than 1,000 objects in a body that fits is MalformedXML, as S3 answers.
    /// </summary>
    public static readonly BodyLimit DeleteObjects = new(1000 * (6 * 1024 + 512), S3ErrorCode.MaxMessageLengthExceeded);

    /// <summary>PutBucketPolicy: "Bucket policies are limited to 20 KB", refused as S3 refuses a policy over it.</summary>
    public static readonly BodyLimit BucketPolicy = new(Policies.PolicyParser.MaxBucketPolicyBytes, S3ErrorCode.MalformedPolicy,
        "Policy exceeds the maximum allowed document size.");

    public S3Exception TooLarge() => new(Error, Message);
}
