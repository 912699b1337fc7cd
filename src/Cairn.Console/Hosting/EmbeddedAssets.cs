using Microsoft.AspNetCore.Http;

namespace Cairn.WebConsole.Hosting;

/// <summary>The console's stylesheet and scripts, embedded in this assembly: nothing is fetched from anywhere else.</summary>
public static class EmbeddedAssets
{
    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    public static async Task ServeAsync(HttpContext http, string name)
    {
        var extension = Path.GetExtension(name);
        await using var stream = typeof(EmbeddedAssets).Assembly.GetManifestResourceStream("assets/" + name);
        if (stream is null || !Types.TryGetValue(extension, out var type))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        http.Response.ContentType = type;
        http.Response.Headers.CacheControl = "private, max-age=300";
        http.Response.ContentLength = stream.Length;
        await stream.CopyToAsync(http.Response.Body, http.RequestAborted).ConfigureAwait(false);
    }
}
