using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Transport.Raft;

/// <summary>
/// Every Raft group of a process on the node's one cluster port, beside its HTTP/2 traffic. Install it on the
/// cluster listener with <see cref="ConfigureListener"/> (next to <c>UseClusterProtocol</c>); each group's Raft
/// member then listens through <see cref="Listeners"/> and dials its peers through <see cref="Connector"/>,
/// addressed as <see cref="RaftEndPoints.Of"/> (the peer node's cluster address and the group id). Every Raft
/// connection names its wire version and proves the cluster secret once, in its preface. One instance per process.
/// </summary>
public sealed class RaftMux : IDisposable
{
    private readonly RaftGroupListeners listeners = new();
    private readonly RaftConnector connector;
    private readonly ClusterPortDemux demux;

    /// <param name="transport">Its <see cref="ClusterTransportOptions.Routes"/> and <see cref="ClusterTransportOptions.Tls"/> apply to the
    /// connections Raft dials (the listener's TLS is <c>UseClusterProtocol</c>'s).</param>
    /// <param name="time">The clock of <see cref="UnansweredPeers"/> (tests).</param>
    /// <param name="wire">This node's wire: the version its prefaces carry and the versions it accepts (<see cref="ClusterWire.Default"/> when null).</param>
    public RaftMux(ClusterSecret secret, ILogger<RaftMux>? logger = null, ClusterTransportOptions? transport = null, TimeProvider? time = null,
        ClusterWire? wire = null)
    {
        Wire = wire ?? ClusterWire.Default;
        transport ??= new ClusterTransportOptions();
        connector = new RaftConnector(secret, transport.Routes, time ?? TimeProvider.System, Wire.Version, transport.Tls);
        demux = new ClusterPortDemux(secret, listeners, Wire, logger ?? NullLogger<RaftMux>.Instance);
    }

    /// <summary>
    /// The node's wire version, checked on every connection of the cluster port: here for Raft prefaces, and by the HTTP
    /// layer of whatever serves the port (<see cref="ClusterWireMiddleware.UseClusterWire"/>) for calls.
    /// </summary>
    public ClusterWire Wire { get; }

    /// <summary>Where each group's member listens: a virtual listener per group, fed from the cluster port.</summary>
    public IConnectionListenerFactory Listeners => listeners;

    /// <summary>How each group's member reaches a peer: a connection to the peer node's cluster port, bound to the group.</summary>
    public IConnectionFactory Connector => connector;

    /// <summary>
    /// Installs the demultiplexer on the cluster listener, ahead of its HTTP layer: HTTP/2 connections go on to
    /// HTTP unchanged, Raft connections to their group, anything else is closed.
    /// </summary>
    public void ConfigureListener(ListenOptions listen) => listen.Use(next => connection => demux.OnConnectedAsync(connection, next));

    /// <summary>Frees the connector's buffers: dispose it after the Raft members that use it.</summary>
    public void Dispose() => connector.Dispose();
}
