using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Cairn.Transport.Tls;

namespace Cairn.Transport.Raft;

/// <summary>
/// The client side Raft sees: dials the node's cluster port named in a <c>cairn-raft://</c> address, sends the
/// Raft preface (the wire version this node speaks, group id and proof of the cluster secret) and returns the connection for Raft's messages.
/// The connection is Kestrel's socket connection (pipes over the socket), the same kind the server side has. A node
/// with a route (<see cref="ClusterTransportOptions.Routes"/>) is dialled there; the group still knows it by its address.
/// A node that left a request unanswered is not dialled for a while (<see cref="UnansweredPeers"/>): the call fails at once.
/// </summary>
/// With <see cref="ClusterTls"/> the connection is TLS from its first byte, the preface inside it.
internal sealed class RaftConnector(ClusterSecret secret, IReadOnlyDictionary<IPEndPoint, IPEndPoint> routes, TimeProvider time, WireVersion? wire = null,
    ClusterTls? tls = null) : IConnectionFactory, IDisposable
{
    private readonly UnansweredPeers unanswered = new(time);
    private readonly SocketConnectionContextFactory sockets = new(new SocketConnectionFactoryOptions(), NullLogger.Instance);

    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (!RaftEndPoints.TryParse(endpoint, out var node, out var group))
            throw new ArgumentException($"Not a Raft group member's cluster-port address: {endpoint}", nameof(endpoint));
        if (!unanswered.MayDial(node, out var notBefore))
            throw new IOException($"{node} left a Raft request unanswered; not dialled again before {notBefore:HH:mm:ss.fff}.");
        var dial = routes.Dial(node);
        var socket = new Socket(dial.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var dialled = unanswered.Now;
        try
        {
            await socket.ConnectAsync(dial, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            // A connection given up unanswered (its SYN dropped by a partition) marks the node as an unanswered request does.
            unanswered.GaveUp(node, unanswered.Now - dialled);
            throw;
        }
        var connection = sockets.Create(socket);
        try
        {
            if (tls is not null) connection = await TlsConnection.AuthenticateAsync(connection, tls, node.Address.ToString(), cancellationToken).ConfigureAwait(false);
            // No answer to wait for: a refused preface closes the connection, and Raft's first request fails.
            await connection.Transport.Output.WriteAsync(RaftPreface.Sign(secret, group, (wire ?? WireVersion.Release).Speaks).Encode(), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new WatchedConnection(connection, node, unanswered); // after the preface, which has no answer
    }

    public void Dispose() => sockets.Dispose();
}
