using Microsoft.AspNetCore.Http;

namespace Cairn.WebConsole.Hosting;

/// <summary>
/// Which requests the console serves. On its own port (<c>--console-address</c>): all of them. On the S3 port (when
/// there is no console port): a path under <c>/console</c> that is addressed path-style and carries no SigV4
/// signature. So a bucket named <c>console</c> stays S3's for every signed request and by virtual-hosted-style
/// addressing; only an unsigned path-style request (a browser's) for <c>/console…</c> reaches the console.
/// </summary>
public sealed class ConsoleRoute(ConsoleOptions options)
{
    public const string PathBase = "/console";

    private readonly int? consolePort = options.Address is { } address ? PortOf(address) : null;

    public bool Serves(HttpContext http)
    {
        if (consolePort is { } port) return http.Connection.LocalPort == port;
        var request = http.Request;
        return request.Path.StartsWithSegments(PathBase, StringComparison.Ordinal)
            && !IsSigned(request)
            && !IsBucketHost(request.Host.Host);
    }

    private static bool IsSigned(HttpRequest request) =>
        request.Headers.Authorization.Count > 0
        || request.Query.ContainsKey("X-Amz-Signature") || request.Query.ContainsKey("X-Amz-Credential")
        || request.Query.ContainsKey("Signature") || request.Query.ContainsKey("AWSAccessKeyId");

    private bool IsBucketHost(string host) =>
        options.BucketDomains.Any(domain => host.Length > domain.Length + 1 && host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase));

    private static int PortOf(string address) =>
        int.TryParse(address[(address.LastIndexOf(':') + 1)..], out var port) ? port : throw new ArgumentException($"Cannot parse console address '{address}': expected HOST:PORT.");
}
