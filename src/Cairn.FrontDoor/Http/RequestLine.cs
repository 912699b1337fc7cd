using System.Globalization;
using System.Text;
using Cairn.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cairn.FrontDoor.Http;

/// <summary>
/// The length limit on a request's line (method, target as sent, version), checked by the front door so that the answer is
/// S3's error XML; Kestrel's own, higher ceiling only meets requests far beyond it.
/// </summary>
public static class RequestLine
{
    /// <summary>The request line's size as HTTP/1.1 sends it: "METHOD target HTTP/1.1" (the target percent-encoded, as sent).</summary>
    public static int Bytes(HttpContext http)
    {
        var request = http.Request;
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.PathBase + request.Path + request.QueryString;
        return request.Method.Length + 1 + Encoding.UTF8.GetByteCount(target) + 1 + request.Protocol.Length;
    }

    /// <summary>
    /// Refuses a request line over <paramref name="limit"/> bytes with 400 InvalidURI: S3 documents no error of its own for a
    /// URL too long (a key over 1,024 bytes is KeyTooLongError, checked where the key is read).
    /// </summary>
    public static void Check(HttpContext http, int limit)
    {
        if (Bytes(http) > limit)
            throw new S3Exception(S3ErrorCode.InvalidURI, "The request URI is longer than this server accepts.")
            {
                Details = new Dictionary<string, string> { ["MaxSizeAllowed"] = limit.ToString(CultureInfo.InvariantCulture) },
            };
    }
}
