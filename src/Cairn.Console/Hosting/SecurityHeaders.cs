using Microsoft.AspNetCore.Http;

namespace Cairn.WebConsole.Hosting;

/// <summary>
/// Every console response refuses framing (clickjacking), names only this origin as a source of scripts, styles and
/// forms (no inline script, so injected markup cannot run), and sends no Referer (URLs carry bucket and key names).
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    public Task InvokeAsync(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = Policy;
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        return next(http);
    }
}
