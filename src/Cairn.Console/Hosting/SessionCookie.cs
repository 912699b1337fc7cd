using Microsoft.AspNetCore.Http;

namespace Cairn.WebConsole.Hosting;

/// <summary>The cookie that carries the session id, and nothing else: HttpOnly, SameSite=Strict, Secure on HTTPS.</summary>
public static class SessionCookie
{
    public const string Name = "cairn-console-session";

    public static string? Read(HttpRequest request) => request.Cookies[Name];

    public static void Write(HttpResponse response, string sessionId) => response.Cookies.Append(Name, sessionId, Options(response.HttpContext.Request));

    public static void Delete(HttpResponse response) => response.Cookies.Delete(Name, Options(response.HttpContext.Request));

    private static CookieOptions Options(HttpRequest request) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = ConsoleRoute.PathBase,
        IsEssential = true,
    };
}
