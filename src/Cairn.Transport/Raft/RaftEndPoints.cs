using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Cairn.Transport.Raft;

/// <summary>
/// The address of one Raft group's member on a node's shared cluster port: <c>cairn-raft://{node}/{group}</c>,
/// the node's cluster address (host:port of its cluster listener) and the group id. DotNext takes such a
/// <see cref="UriEndPoint"/> as a member address (it derives the member id from the URI and serializes it);
/// the mux's connector dials the node and names the group in the connection's preface.
/// </summary>
public static class RaftEndPoints
{
    public const string Scheme = "cairn-raft";

    /// <summary>Group ids travel in the preface line: visible ASCII, no spaces, bounded.</summary>
    public const int MaxGroupLength = 128;

    public static UriEndPoint Of(IPEndPoint node, string group)
    {
        if (!IsValidGroup(group)) throw new ArgumentException($"Not a Raft group id for the cluster port: '{group}'.", nameof(group));
        return new UriEndPoint(new Uri($"{Scheme}://{node}/{Uri.EscapeDataString(group)}"));
    }

    /// <summary>The node and group of a <c>cairn-raft://</c> address; false for any other endpoint.</summary>
    public static bool TryParse(EndPoint? endPoint, [NotNullWhen(true)] out IPEndPoint? node, [NotNullWhen(true)] out string? group)
    {
        node = null;
        group = null;
        if (endPoint is not UriEndPoint { Uri: var uri } || uri.Scheme != Scheme || !IPAddress.TryParse(uri.IdnHost, out var address)) return false;
        var id = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (!IsValidGroup(id)) return false;
        (node, group) = (new IPEndPoint(address, uri.Port), id);
        return true;
    }

    /// <summary>
    /// The node's cluster address of a mux member (what <c>RangeGroup.Members</c> lists); any other endpoint,
    /// such as a member's own TCP address, as it is.
    /// </summary>
    [return: NotNullIfNotNull(nameof(endPoint))]
    public static EndPoint? NodeOf(EndPoint? endPoint) => TryParse(endPoint, out var node, out _) ? node : endPoint;

    /// <summary>
    /// Endpoint equality for DotNext's member lookups: <see cref="UriEndPoint"/> compares by reference, so two
    /// instances of one address would be two members; this compares it by URI, other endpoints as they compare.
    /// </summary>
    public static IEqualityComparer<EndPoint> Comparer { get; } = new UriAwareComparer();

    internal static bool IsValidGroup(string group) =>
        group.Length is > 0 and <= MaxGroupLength && group.All(c => c is > ' ' and <= '~');

    private sealed class UriAwareComparer : IEqualityComparer<EndPoint>
    {
        public bool Equals(EndPoint? x, EndPoint? y) => (x, y) switch
        {
            (UriEndPoint a, UriEndPoint b) => a.Uri.Equals(b.Uri),
            _ => EqualityComparer<EndPoint>.Default.Equals(x, y),
        };

        public int GetHashCode(EndPoint endPoint) => endPoint is UriEndPoint uri ? uri.Uri.GetHashCode() : endPoint.GetHashCode();
    }
}
