using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Cairn.Node.Metrics;

/// <summary>
/// <c>GET /metrics</c> in Prometheus's text format. Open to loopback scrapes (unless turned off), else only with
/// <c>Authorization: Bearer TOKEN</c>: 403 when no token is configured, 401 for a missing or wrong one. A SigV4-signed
/// request, or one with a query string, is S3's (a bucket may be named "metrics").
/// </summary>
public sealed class MetricsEndpoint(CollectorRegistry registry, IEnumerable<IMetricsSource> sources, MetricsOptions options)
{
    public const string Path = "/metrics";

    private readonly IMetricsSource[] sources = sources.ToArray();
    private readonly byte[]? token = options.Token is { } t ? Encoding.UTF8.GetBytes(t) : null;

    public static bool Serves(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.Value == Path && !request.QueryString.HasValue
        && !request.Headers.Authorization.ToString().StartsWith("AWS", StringComparison.Ordinal);

    public async Task HandleAsync(HttpContext http)
    {
        var status = Access(http);
        if (status != StatusCodes.Status200OK)
        {
            http.Response.StatusCode = status;
            if (status == StatusCodes.Status401Unauthorized) http.Response.Headers.WWWAuthenticate = "Bearer realm=\"cairn metrics\"";
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(status == StatusCodes.Status401Unauthorized ? "A valid bearer token is required.\n"
                : "Metrics are served to loopback only: start the server with --metrics-token to scrape it from elsewhere.\n", http.RequestAborted).ConfigureAwait(false);
            return;
        }
        foreach (var source in sources) source.Sample();
        http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await registry.CollectAndExportAsTextAsync(http.Response.Body, http.RequestAborted).ConfigureAwait(false);
    }

    private int Access(HttpContext http)
    {
        if (options.LoopbackOpen && IsLoopback(http.Connection.RemoteIpAddress)) return StatusCodes.Status200OK;
        if (token is null) return StatusCodes.Status403Forbidden;
        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return StatusCodes.Status401Unauthorized;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()), token)
            ? StatusCodes.Status200OK : StatusCodes.Status401Unauthorized;
    }

    private static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}

public static class MetricsEndpointMapping
{
    /// <summary>Serves <c>GET /metrics</c> on this pipeline (the S3 port's, and any other address that should serve it).</summary>
    public static IApplicationBuilder MapMetrics(this IApplicationBuilder app)
    {
        var endpoint = app.ApplicationServices.GetRequiredService<MetricsEndpoint>();
        return app.MapWhen(http => MetricsEndpoint.Serves(http.Request), branch => branch.Run(endpoint.HandleAsync));
    }
}
