using Cairn.Core.Errors;

namespace Cairn.Auth;

/// <summary>
/// S3 answers a request signed for another region with the region it serves, so that a client (the SDKs do this)
/// can sign again for the right one: 400 AuthorizationHeaderMalformed for a signed header, 400
/// AuthorizationQueryParametersError for a presigned URL, each with a <c>Region</c> element.
/// </summary>
public static class SigningRegion
{
    public static void Require(AuthResult auth, string region)
    {
        if (string.Equals(auth.Region, region, StringComparison.Ordinal)) return;
        var details = new Dictionary<string, string> { ["Region"] = region };
        throw auth.IsPresigned
            ? new S3Exception(S3ErrorCode.AuthorizationQueryParametersError,
                $"Error parsing the X-Amz-Credential parameter; the region '{auth.Region}' is wrong; expecting '{region}'") { Details = details }
            : new S3Exception(S3ErrorCode.AuthorizationHeaderMalformed,
                $"The authorization header is malformed; the region '{auth.Region}' is wrong; expecting '{region}'") { Details = details };
    }
}
