using Cairn.WebConsole.Sessions;
using Microsoft.AspNetCore.Http;

namespace Cairn.WebConsole.Hosting;

/// <summary>
/// Lets through only requests of a live session (plus the sign-in page and the assets). Without one, a page request is
/// sent to sign-in and an API call gets 401.
/// </summary>
public sealed class SessionGate(RequestDelegate next, ConsoleSessions sessions)
{
    public Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path;
        if (path.StartsWithSegments("/sign-in", StringComparison.Ordinal) || path.StartsWithSegments("/assets", StringComparison.Ordinal))
            return next(http);
        if (sessions.Find(SessionCookie.Read(http.Request)) is { } session)
        {
            http.Features.Set(session);
            return next(http);
        }
        if (path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return http.Response.WriteAsJsonAsync(new { error = "Your session has ended: sign in again." });
        }
        var back = http.Request.PathBase + path + http.Request.QueryString;
        var signIn = http.Request.PathBase + "/sign-in" + (HttpMethods.IsGet(http.Request.Method) ? QueryString.Create("returnUrl", back) : QueryString.Empty);
        http.Response.Redirect(signIn);
        return Task.CompletedTask;
    }
}

/// <summary>The signed-in session of a request that passed the <see cref="SessionGate"/>.</summary>
public static class SessionOfRequest
{
    public static ConsoleSession Session(this HttpContext http) =>
        http.Features.Get<ConsoleSession>() ?? throw new InvalidOperationException("The request passed no session gate.");
}
