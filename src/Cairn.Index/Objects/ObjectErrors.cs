using Cairn.Core.Errors;
using Cairn.Index.Records;

namespace Cairn.Index.Objects;

/// <summary>The S3 errors that object commands and reads answer, built in one place.</summary>
public static class ObjectErrors
{
    public static S3Exception NoSuchKey(string key) => new(S3ErrorCode.NoSuchKey) { Details = new Dictionary<string, string> { ["Key"] = key } };

    public static S3Exception NoSuchVersion(string key, string versionId) =>
        new(S3ErrorCode.NoSuchVersion) { Details = new Dictionary<string, string> { ["Key"] = key, ["VersionId"] = versionId } };

    public static S3Exception NoSuchUpload(string uploadId) =>
        new(S3ErrorCode.NoSuchUpload) { Details = new Dictionary<string, string> { ["UploadId"] = uploadId } };

    /// <summary>A delete marker named where an object is needed: 405 with the marker's headers (Last-Modified too), as S3 answers.</summary>
    public static S3Exception MarkerNotAllowed(VersionRecord marker) => new(S3ErrorCode.MethodNotAllowed)
    {
        Headers = new Dictionary<string, string>
        {
            ["x-amz-delete-marker"] = "true", ["Allow"] = "DELETE", ["x-amz-version-id"] = marker.VersionId,
            ["Last-Modified"] = marker.LastModified.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        },
    };

    public static S3Exception PreconditionFailed(string condition) =>
        new(S3ErrorCode.PreconditionFailed) { Details = new Dictionary<string, string> { ["Condition"] = condition } };
}
