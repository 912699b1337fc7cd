using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Cairn.Transport;

/// <summary>Server side of the cluster proof: an endpoint filter that refuses before the handler runs.</summary>
public static class ClusterAuthentication
{
    /// <summary>
    /// Every endpoint of the group requires the cluster secret: no proof → 401, a wrong one → 403, and
    /// the handler (and so any drive) is never reached.
    /// </summary>
    public static TBuilder RequireClusterSecret<TBuilder>(this TBuilder builder, ClusterSecret secret) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            // The target exactly as the client sent (and signed) it, before any decoding.
            var target = context.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget
                ?? (request.PathBase + request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
            var proof = secret.Verify(request.Method, target,
                request.Headers[ClusterSecret.TimestampHeader], request.Headers[ClusterSecret.NonceHeader], request.Headers[ClusterSecret.SignatureHeader]);
            return proof switch
            {
                ClusterProof.Valid => await next(context).ConfigureAwait(false),
                ClusterProof.Missing => Results.StatusCode(StatusCodes.Status401Unauthorized),
                _ => Results.StatusCode(StatusCodes.Status403Forbidden),
            };
        });
}

/// <summary>
/// Client side of the cluster proof: signs every request that leaves through the cluster client, sent as HTTP/2, and
/// stamps it with this node's wire version (<see cref="ClusterWire"/>, <see cref="ClusterWire.Default"/> when none is
/// given). A peer's refusal of that version (<see cref="ClusterWire.RefusedStatus"/> with the peer's wire headers) is
/// thrown as a <see cref="WireVersionRefusedException"/> carrying the peer's reason.
/// </summary>
public sealed class ClusterSigningHandler(ClusterSecret secret, ClusterWire? wire = null) : DelegatingHandler
{
    /// <summary>A refusal's text is a line or two; a longer body is cut.</summary>
    private const int MaxReason = 2048;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The cluster port speaks only HTTP/2 (h2c); a request built by hand would otherwise default to 1.1.
        request.Version = System.Net.HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        var (timestamp, nonce, signature) = secret.Sign(request.Method.Method, request.RequestUri!.PathAndQuery);
        request.Headers.Add(ClusterSecret.TimestampHeader, timestamp);
        request.Headers.Add(ClusterSecret.NonceHeader, nonce);
        request.Headers.Add(ClusterSecret.SignatureHeader, signature);
        (wire ?? ClusterWire.Default).Stamp(request);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode != ClusterWire.RefusedStatus || !response.Headers.Contains(WireVersion.VersionHeader)) return response;
        using (response)
        {
            var reason = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new WireVersionRefusedException(request.RequestUri.Authority, reason.Length > MaxReason ? reason[..MaxReason] : reason.Trim());
        }
    }
}
