using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Cairn.Transport.Raft;

/// <summary>
/// The address of one Raft group's member on a node's shared cluster port: the node's cluster address (host:port
/// of its cluster listener) and the group id, as a <see cref="DnsEndPoint"/> whose host is <c>{ip}/{group}</c>
/// (printed <c>Unspecified/{ip}/{group}:{port}</c>). DotNext takes it as a member address, derives the member id from
/// it and serializes it in the configurations a leader sends when the group changes members; a DnsEndPoint
/// compares by value, so a decoded configuration names the same members (a <see cref="UriEndPoint"/> compares by
/// reference: a leader applying a decoded configuration then dropped every member but the added one). The mux's
/// connector dials the node and names the group in the connection's preface.
/// </summary>
public static class RaftEndPoints
{
    /// <summary>Group ids travel in the preface line: visible ASCII, no spaces, bounded.</summary>
    public const int MaxGroupLength = 128;

    public static DnsEndPoint Of(IPEndPoint node, string group)
    {
        if (!IsValidGroup(group)) throw new ArgumentException($"Not a Raft group id for the cluster port: '{group}'.", nameof(group));
        return new DnsEndPoint($"{node.Address}/{Uri.EscapeDataString(group)}", node.Port);
    }

    /// <summary>The node and group of a group member's address on a cluster port; false for any other endpoint.</summary>
    public static bool TryParse(EndPoint? endPoint, [NotNullWhen(true)] out IPEndPoint? node, [NotNullWhen(true)] out string? group)
    {
        node = null;
        group = null;
        if (endPoint is not DnsEndPoint { Host: var host, Port: var port } || host.Split('/') is not [var ip, var escaped]
            || !IPAddress.TryParse(ip, out var address)) return false;
        var id = Uri.UnescapeDataString(escaped);
        if (!IsValidGroup(id)) return false;
        (node, group) = (new IPEndPoint(address, port), id);
        return true;
    }

    /// <summary>
    /// The node's cluster address of a mux member (what <c>RangeGroup.Members</c> lists); any other endpoint,
    /// such as a member's own TCP address, as it is.
    /// </summary>
    [return: NotNullIfNotNull(nameof(endPoint))]
    public static EndPoint? NodeOf(EndPoint? endPoint) => TryParse(endPoint, out var node, out _) ? node : endPoint;

    /// <summary>Endpoint equality for DotNext's member lookups: by value (a member's address is a <see cref="DnsEndPoint"/>).</summary>
    public static IEqualityComparer<EndPoint> Comparer { get; } = EqualityComparer<EndPoint>.Default;

    internal static bool IsValidGroup(string group) =>
        group.Length is > 0 and <= MaxGroupLength && group.All(c => c is > ' ' and <= '~');
}
