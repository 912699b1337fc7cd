using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Cairn.Transport;

/// <summary>Deadlines and routes of node-to-node calls.</summary>
public sealed record ClusterTransportOptions
{
    /// <summary>Establishing a TCP connection to a peer; a peer that does not answer in this time is down.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// One step of a call: a whole small request, or, on a streamed one, the response headers, each write
    /// of the request body and each read of the response body. A peer that makes no progress for this
    /// long is treated as down.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Peers reached through another address: the peer whose cluster address is the key is dialled at the value (for
    /// fault injection, tunnels and NAT). Only the TCP connection goes there; the peer is still named by its cluster
    /// address everywhere else. Applies to every node-to-node connection: HTTP/2 calls and every Raft group's.
    /// </summary>
    public IReadOnlyDictionary<IPEndPoint, IPEndPoint> Routes { get; init; } = new Dictionary<IPEndPoint, IPEndPoint>();

    /// <summary>TLS on every node-to-node connection (HTTP/2 calls and Raft), both ways; null: plain TCP.</summary>
    public Tls.ClusterTls? Tls { get; init; }
}

/// <summary>
/// The node-to-node HTTP client and listener: HTTP/2 on the cluster port, without TLS (h2c) or, when the node has a
/// certificate, over TLS (<see cref="ClusterTransportOptions.Tls"/>). Every request is signed
/// with the cluster secret and stamped with the node's wire version (<see cref="ClusterWire"/>). One client per
/// process is enough: HTTP/2 multiplexes the calls to a peer over its connections.
/// </summary>
public static class ClusterHttp
{
    /// <param name="wire">This node's wire version and id, sent with every call (<see cref="ClusterWire.Default"/> when null).</param>
    public static HttpClient CreateClient(ClusterSecret secret, ClusterTransportOptions? options = null, ClusterWire? wire = null)
    {
        options ??= new ClusterTransportOptions();
        var sockets = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            // A peer that vanished without a FIN is noticed by pings, not only by the next request's deadline.
            KeepAlivePingDelay = TimeSpan.FromSeconds(15),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            // The handler still applies ConnectTimeout to the callback (through its token).
            ConnectCallback = (context, cancellationToken) => ConnectAsync(options.Routes.Dial(context.DnsEndPoint), cancellationToken),
        };
        HttpMessageHandler inner = sockets;
        if (options.Tls is { } tls)
        {
            sockets.SslOptions = tls.ClientOptions(http2: true);
            inner = new HttpsPeers { InnerHandler = sockets };
        }
        return new HttpClient(new ClusterSigningHandler(secret, wire) { InnerHandler = inner })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            // Deadlines are per call step (ClusterTransportOptions.RequestTimeout), not per whole streamed call.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>
    /// Peers are named by http:// URLs everywhere (their cluster addresses); with TLS on the cluster port each call goes to
    /// https:// instead, so that the handler runs TLS and HTTP/2's :scheme matches the connection (Kestrel refuses a mismatch).
    /// </summary>
    private sealed class HttpsPeers : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { Scheme: "http" } uri) request.RequestUri = new UriBuilder(uri) { Scheme = Uri.UriSchemeHttps, Port = uri.Port }.Uri;
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>What the handler does by default (a TCP socket without Nagle's delay), to the routed address.</summary>
    private static async ValueTask<Stream> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        // A socket for both families when dialling a host name, as the handler's own; the route's family otherwise.
        var socket = endPoint is IPEndPoint ip
            ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Makes a Kestrel listener the cluster port: HTTP/2 only, by prior knowledge without TLS, else over <paramref name="tls"/>.
    /// Call it before anything else installed on the listener (the Raft demultiplexer), which then sees the decrypted bytes.
    /// </summary>
    public static void UseClusterProtocol(this ListenOptions listen, Tls.ClusterTls? tls = null)
    {
        listen.Protocols = HttpProtocols.Http2;
        if (tls is not null) listen.UseHttps(new TlsHandshakeCallbackOptions { OnConnection = _ => ValueTask.FromResult(tls.ServerOptions()) });
    }
}
