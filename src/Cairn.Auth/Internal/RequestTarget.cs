using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cairn.Auth.Internal;

/// <summary>
/// The path and query exactly as the client sent them. SigV4 signs the client's bytes, so the decoded
/// and normalized <see cref="HttpRequest.Path"/> is only a fallback when no raw target is available.
/// </summary>
internal static class RequestTarget
{
    public static (string RawPath, string RawQuery) Get(HttpRequest request)
    {
        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
        {
            var query = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
            return ((request.PathBase + request.Path).ToUriComponent(), query);
        }

        // Absolute-form targets ("http://host/path?q") carry the authority in front of the path.
        if (raw[0] != '/')
        {
            int scheme = raw.IndexOf("://", StringComparison.Ordinal);
            if (scheme > 0)
            {
                int slash = raw.IndexOfAny(['/', '?'], scheme + 3);
                raw = slash < 0 ? "/" : raw[slash] == '?' ? "/" + raw[slash..] : raw[slash..];
            }
        }

        int q = raw.IndexOf('?');
        return q < 0 ? (raw, "") : (raw[..q], raw[(q + 1)..]);
    }
}
