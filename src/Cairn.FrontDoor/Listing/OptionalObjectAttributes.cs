using Cairn.Core.Errors;
using Cairn.FrontDoor.Routing;

namespace Cairn.FrontDoor.Listing;

/// <summary>
/// x-amz-optional-object-attributes on ListObjects, ListObjectsV2 and ListObjectVersions: the fields a listing adds per
/// object only when asked. S3 knows one, RestoreStatus; any other name is refused with S3's words.
/// </summary>
public static class OptionalObjectAttributes
{
    private const string HeaderName = "x-amz-optional-object-attributes";

    /// <summary>Whether the request asks for RestoreStatus (named once or more, in one header or several).</summary>
    public static bool WantsRestoreStatus(S3Request s3)
    {
        var wants = false;
        foreach (var value in s3.Request.Headers[HeaderName])
            foreach (var name in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                wants = name == "RestoreStatus" ? true : throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid attribute name specified.")
                {
                    Details = new Dictionary<string, string> { ["ArgumentName"] = HeaderName, ["ArgumentValue"] = name },
                };
        return wants;
    }
}
