using System.Net;

namespace Cairn.Transport;

/// <summary>
/// Where to dial a peer whose cluster address is routed elsewhere (a fault-injecting proxy, a tunnel, a NAT): only the
/// TCP connection goes to the route's address; the peer keeps its cluster address as its identity everywhere else.
/// </summary>
public static class PeerRoutes
{
    /// <summary>The address to dial to reach the peer at <paramref name="peer"/>: its route, or the peer itself.</summary>
    public static IPEndPoint Dial(this IReadOnlyDictionary<IPEndPoint, IPEndPoint> routes, IPEndPoint peer) =>
        routes.TryGetValue(peer, out var via) ? via : peer;

    /// <summary>
    /// The address to dial for a host and port as an HTTP client names them: the route of a literal IP address, else
    /// the host and port unchanged (a host name is resolved as usual; routes name IP addresses only).
    /// </summary>
    public static EndPoint Dial(this IReadOnlyDictionary<IPEndPoint, IPEndPoint> routes, DnsEndPoint peer) =>
        IPAddress.TryParse(peer.Host, out var address) && routes.TryGetValue(new IPEndPoint(address, peer.Port), out var via) ? via : peer;

    /// <summary>
    /// Parses routes written <c>PEER=VIA</c>, both IP:PORT, several to a value separated by commas. A peer routed twice,
    /// or a value that is not a route, is refused with an <see cref="ArgumentException"/> naming it.
    /// </summary>
    public static IReadOnlyDictionary<IPEndPoint, IPEndPoint> Parse(IEnumerable<string> values)
    {
        var routes = new Dictionary<IPEndPoint, IPEndPoint>();
        foreach (var route in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (route.Split('=') is not [var peerText, var viaText]
                || !TryParseEndPoint(peerText.Trim(), out var peer) || !TryParseEndPoint(viaText.Trim(), out var via))
                throw new ArgumentException($"--route-peer '{route}' is not PEER=VIA with both IP:PORT (e.g. 127.0.0.1:7102=127.0.0.1:17102).");
            if (!routes.TryAdd(peer, via)) throw new ArgumentException($"--route-peer routes {peer} twice.");
        }
        return routes;
    }

    /// <summary>The text <see cref="Parse"/> reads back: <c>PEER=VIA,PEER=VIA</c>.</summary>
    public static string Format(IEnumerable<KeyValuePair<IPEndPoint, IPEndPoint>> routes) =>
        string.Join(',', routes.Select(r => $"{r.Key}={r.Value}"));

    private static bool TryParseEndPoint(string text, out IPEndPoint endPoint) =>
        IPEndPoint.TryParse(text, out endPoint!) && endPoint.Port != 0;
}
