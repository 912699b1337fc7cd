using Cairn.Core.Errors;

namespace Cairn.Lifecycle;

/// <summary>The S3 errors PutBucketLifecycleConfiguration answers with, each with a precise message.</summary>
internal static class LifecycleErrors
{
    /// <summary>The body does not fit the published schema: bad XML, unknown, missing, repeated or misplaced elements.</summary>
    public static S3Exception Malformed(string detail) => Core.Xml.XmlChildren.Malformed(detail);

    /// <summary>A value that fits the schema but breaks a lifecycle rule (AWS: InvalidArgument).</summary>
    public static S3Exception InvalidArgument(string message) => new(S3ErrorCode.InvalidArgument, message);

    /// <summary>Actions or filters that may not be combined (AWS: InvalidRequest).</summary>
    public static S3Exception InvalidRequest(string message) => new(S3ErrorCode.InvalidRequest, message);
}
