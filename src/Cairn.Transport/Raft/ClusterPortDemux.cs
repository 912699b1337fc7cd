using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;

namespace Cairn.Transport.Raft;

/// <summary>
/// Kestrel connection middleware on the cluster port, ahead of its HTTP layer: it peeks at the first bytes.
/// An HTTP/2 client preface goes on to HTTP untouched (nothing consumed); a Raft preface with a valid proof of
/// the cluster secret is consumed and the connection handed to that group's listener for as long as Raft keeps
/// it; anything else — a wire version this node does not understand (checked first, and logged once per peer by
/// <see cref="ClusterWire"/>), a wrong proof, an unknown group, garbage, silence — is closed.
/// </summary>
internal sealed partial class ClusterPortDemux(ClusterSecret secret, RaftGroupListeners groups, ClusterWire wire, ILogger logger)
{
    private static ReadOnlySpan<byte> Http2Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>A connection that has not said what it is by then is closed (it would otherwise hold a socket forever).</summary>
    private static readonly TimeSpan PrefaceTimeout = TimeSpan.FromSeconds(10);

    private enum Kind { Undecided, Http2, Raft, Other }

    public async Task OnConnectedAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        Kind kind;
        RaftPreface preface;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            timeout.CancelAfter(PrefaceTimeout);
            try
            {
                (kind, preface) = await ReadPrefaceAsync(connection.Transport.Input, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // silent past the timeout, or gone; returning closes the connection
            }
        }
        if (kind == Kind.Http2)
        {
            await next(connection).ConfigureAwait(false);
            return;
        }
        if (kind == Kind.Other)
        {
            LogNotClusterProtocol(connection.RemoteEndPoint?.ToString());
            return;
        }
        if (!wire.AcceptsRaft(preface.Version, connection.RemoteEndPoint, preface.Group)) return;
        if (!preface.IsComplete)
        {
            LogNotClusterProtocol(connection.RemoteEndPoint?.ToString());
            return;
        }
        if (!preface.Verify(secret))
        {
            LogBadProof(connection.RemoteEndPoint?.ToString(), preface.Group);
            return;
        }
        // Kestrel asks its connections to close when it stops; Raft's have nothing to finish, so they end then, as
        // when the peer closes: Raft's reads wait on ConnectionClosed and it treats that as the peer going away.
        var closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, closeRequested);
        var lent = new HandedOverConnection(connection, closed.Token);
        if (!groups.TryHandOver(preface.Group, lent))
        {
            LogNoSuchGroup(connection.RemoteEndPoint?.ToString(), preface.Group);
            return;
        }
        // Returning would close the connection under Raft: wait until Raft lets it go.
        await lent.Released.ConfigureAwait(false);
    }

    /// <summary>
    /// Reads until the first bytes decide the protocol. An HTTP/2 preface is left unconsumed for the HTTP layer;
    /// a Raft preface is consumed, so Raft's first read starts at its first message.
    /// </summary>
    private static async Task<(Kind, RaftPreface)> ReadPrefaceAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = read.Buffer;
            var kind = Classify(buffer);
            if (kind == Kind.Http2)
            {
                // Nothing consumed, and examined only up to the preface: the HTTP layer reads it again, and its first
                // read does not wait for bytes beyond what is buffered past it (the client's SETTINGS follow at once).
                input.AdvanceTo(buffer.Start, buffer.GetPosition(Http2Preface.Length));
                return (kind, default);
            }
            if (kind == Kind.Raft)
            {
                var status = RaftPreface.TryParse(buffer, out var preface, out var end);
                if (status == OperationStatus.Done)
                {
                    input.AdvanceTo(end);
                    return (kind, preface);
                }
                if (status == OperationStatus.InvalidData) kind = Kind.Other;
            }
            if (kind == Kind.Other || read.IsCompleted)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                return (Kind.Other, default);
            }
            input.AdvanceTo(buffer.Start, buffer.End); // wait for more bytes
        }
    }

    private static Kind Classify(ReadOnlySequence<byte> buffer)
    {
        Span<byte> head = stackalloc byte[Http2Preface.Length];
        head = head[..(int)Math.Min(buffer.Length, head.Length)];
        buffer.Slice(0, head.Length).CopyTo(head);
        // The two prefaces differ in their first byte, so a head that is a prefix of one is not of the other.
        if (Http2Preface.StartsWith(head)) return head.Length == Http2Preface.Length ? Kind.Http2 : Kind.Undecided;
        if (head.StartsWith(RaftPreface.Magic)) return Kind.Raft;
        return RaftPreface.Magic.StartsWith(head) ? Kind.Undecided : Kind.Other;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closed a connection from {Remote} on the cluster port: neither HTTP/2 nor Raft")]
    private partial void LogNotClusterProtocol(string? remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a Raft connection from {Remote} for group {Group}: wrong, stale or replayed proof of the cluster secret")]
    private partial void LogBadProof(string? remote, string group);

    /// <summary>Debug only: normal while members start or stop (the peer dials again).</summary>
    [LoggerMessage(Level = LogLevel.Debug, Message = "Closed a Raft connection from {Remote} for group {Group}: no member of that group listens here")]
    private partial void LogNoSuchGroup(string? remote, string group);
}
