using System.Globalization;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Routing;
using Cairn.Index.Commands;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// Conditional writes and deletes, read from the request. The front door only parses them: they are
/// checked in the shard, atomically with the change, so two create-only writers cannot both win.
/// </summary>
public static class WriteConditions
{
    /// <summary>PutObject, CompleteMultipartUpload and CopyObject's destination: If-Match and If-None-Match: *.</summary>
    public static ObjectCondition? ForWrite(S3Request s3)
    {
        var ifMatch = s3.Header("If-Match");
        var ifNoneMatch = s3.Header("If-None-Match");
        if (ifMatch is null && ifNoneMatch is null) return null;
        if (ifNoneMatch is not null && ifNoneMatch.Trim() != "*")
            throw new S3Exception(S3ErrorCode.NotImplemented, "If-None-Match on a write accepts only *.") { Details = new Dictionary<string, string> { ["Header"] = "If-None-Match" } };
        return new ObjectCondition { IfMatch = ifMatch, IfNoneMatchAny = ifNoneMatch is not null };
    }

    /// <summary>DeleteObject: If-Match, x-amz-if-match-last-modified-time and x-amz-if-match-size.</summary>
    public static ObjectCondition? ForDelete(S3Request s3) =>
        ForDelete(s3.Header("If-Match"), s3.Header("x-amz-if-match-last-modified-time"), s3.Header("x-amz-if-match-size"));

    /// <summary>The same conditions from their text, as DeleteObjects carries them per object (ETag, LastModifiedTime, Size).</summary>
    public static ObjectCondition? ForDelete(string? etag, string? lastModified, string? size)
    {
        if (etag is null && lastModified is null && size is null) return null;
        return new ObjectCondition
        {
            IfMatch = etag,
            IfMatchLastModified = lastModified is null ? null : ParseTime(lastModified),
            IfMatchSize = size is null ? null
                : long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes
                : throw Invalid("x-amz-if-match-size", size),
        };
    }

    /// <summary>An HTTP date (as in the header) or an ISO 8601 timestamp (as DeleteObjects' XML has it).</summary>
    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var http) ? http
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var iso) ? iso
        : throw Invalid("x-amz-if-match-last-modified-time", text);

    private static S3Exception Invalid(string name, string value) => new(S3ErrorCode.InvalidArgument, $"{name} is not valid.")
    {
        Details = new Dictionary<string, string> { ["ArgumentName"] = name, ["ArgumentValue"] = value },
    };
}
