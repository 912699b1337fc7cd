using Cairn.Auth;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Hosting;

/// <summary>
/// The operator's API behind the front door: the front door authenticates the request and hands it over;
/// the node's composition root supplies the implementation, which reaches into the workers.
/// </summary>
public interface IAdminApi
{
    Task HandleAsync(HttpContext http, AuthResult auth);
}

/// <summary>Where the admin API lives: a path no bucket can have ('_' is not allowed in bucket names).</summary>
public static class AdminPaths
{
    public const string Prefix = "/_cairn/admin/v1/";

    public static bool IsAdminPath(HttpRequest request) => request.Path.StartsWithSegments("/_cairn", StringComparison.Ordinal);
}
