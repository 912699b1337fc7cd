using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Transport;

/// <summary>
/// This node's side of <see cref="WireVersion"/>, one per process: it stamps every outgoing call with the version the
/// node speaks, the versions it understands and its id; it refuses, on the cluster port, a call or a Raft preface from a
/// peer it cannot talk to, before the cluster secret is checked (a later release may prove the secret otherwise, and
/// must still hear why it is refused); and it logs each refused peer once, at Warning, not each refused request.
/// </summary>
public sealed partial class ClusterWire
{
    /// <summary>The status a refused call is answered with; its body says why (<see cref="WireVersionRefusedException"/>).</summary>
    public const int RefusedStatus = StatusCodes.Status426UpgradeRequired;

    /// <summary>Peers remembered as logged; past this, refusals are not logged again (strangers cannot grow it without bound).</summary>
    private const int MaxRemembered = 1024;

    private readonly ConcurrentDictionary<string, byte> logged = new(StringComparer.Ordinal);
    private readonly ILogger logger;

    /// <param name="nodeId">This node's id, named in refusals and sent with each call; null outside a node (tests).</param>
    public ClusterWire(WireVersion version, string? nodeId = null, ILogger? logger = null)
    {
        Version = version;
        NodeId = nodeId is not null && IsNodeId(nodeId) ? nodeId : null;
        this.logger = logger ?? NullLogger.Instance;
    }

    /// <summary>This release's wire, naming no node.</summary>
    public static ClusterWire Default { get; } = new(WireVersion.Release);

    public WireVersion Version { get; }

    public string? NodeId { get; }

    private string Self => NodeId is null ? "this node" : $"this node ({NodeId})";

    /// <summary>Adds this node's version, range and id to an outgoing call.</summary>
    public void Stamp(HttpRequestMessage request)
    {
        request.Headers.Remove(WireVersion.VersionHeader);
        request.Headers.Remove(WireVersion.AcceptsHeader);
        request.Headers.TryAddWithoutValidation(WireVersion.VersionHeader, Version.Speaks.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WireVersion.AcceptsHeader, Version.AcceptsText);
        if (NodeId is not null && !request.Headers.Contains(WireVersion.NodeHeader)) request.Headers.TryAddWithoutValidation(WireVersion.NodeHeader, NodeId);
    }

    /// <summary>Why this node cannot talk to <paramref name="peer"/> (named <paramref name="peerName"/>), or null when it can.</summary>
    public string? Refusal(string peerName, WireVersion peer)
    {
        if (Version.CanTalkTo(peer)) return null;
        return Version.Understands(peer.Speaks)
            ? $"peer {peerName} speaks cairn wire {peer.Speaks} and understands {peer.UnderstandsText}; {Self} speaks cairn wire {Version.Speaks}, "
              + $"which {peerName} does not understand. {Advice}"
            : $"peer {peerName} speaks cairn wire {peer.Speaks}; {Self} speaks cairn wire {Version.Speaks} and understands {Version.UnderstandsText}. {Advice}";
    }

    private const string Advice = "Upgrade one release at a time (docs/cluster.md, \"Versions and upgrades\").";

    /// <summary>
    /// The cluster port's HTTP check: a call from a peer this node cannot talk to is answered <see cref="RefusedStatus"/>
    /// with the reason as text, and this node's own wire in the headers; the handler is never reached.
    /// </summary>
    internal async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var headers = http.Request.Headers;
        var named = headers[WireVersion.NodeHeader].ToString();
        var remote = http.Connection.RemoteIpAddress?.ToString() ?? "?";
        var peerName = IsNodeId(named) ? named : $"at {remote}";
        string reason;
        string key;
        if (WireVersion.TryFromHeaders(headers[WireVersion.VersionHeader].ToString(), headers[WireVersion.AcceptsHeader].ToString(), out var peer))
        {
            if (Refusal(peerName, peer) is not { } refusal)
            {
                await next(http).ConfigureAwait(false);
                return;
            }
            (reason, key) = (refusal, $"http {peerName} {remote} {peer.Speaks} {peer.AcceptsText}");
        }
        else
        {
            reason = $"peer {peerName} sent a wire version {Self} cannot read ({WireVersion.VersionHeader}: '{Printable(headers[WireVersion.VersionHeader].ToString())}', "
                + $"{WireVersion.AcceptsHeader}: '{Printable(headers[WireVersion.AcceptsHeader].ToString())}'); {Self} speaks cairn wire {Version.Speaks} "
                + $"and understands {Version.UnderstandsText}. {Advice}";
            key = $"http {peerName} {remote} unreadable";
        }
        if (FirstRefusal(key)) LogRefusedCall(logger, reason);
        var response = http.Response;
        response.StatusCode = RefusedStatus;
        response.Headers[WireVersion.VersionHeader] = Version.Speaks.ToString(CultureInfo.InvariantCulture);
        response.Headers[WireVersion.AcceptsHeader] = Version.AcceptsText;
        if (NodeId is not null) response.Headers[WireVersion.NodeHeader] = NodeId;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(reason, http.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether a Raft connection whose preface says <c>CAIRN-RAFT/{version}</c> may go on; when not, says why (once per
    /// peer address and version). A preface names no range, so only this node's understanding is checked.
    /// </summary>
    internal bool AcceptsRaft(int version, EndPoint? remote, string group)
    {
        if (Version.Understands(version)) return true;
        var address = remote is IPEndPoint ip ? ip.Address.ToString() : remote?.ToString() ?? "?";
        if (FirstRefusal($"raft {address} {version}"))
            LogRefusedRaft(logger, remote?.ToString(), group,
                $"it speaks cairn wire {version} (CAIRN-RAFT/{version}); {Self} speaks cairn wire {Version.Speaks} and understands {Version.UnderstandsText}. {Advice}");
        return false;
    }

    private bool FirstRefusal(string key) => logged.Count < MaxRemembered && logged.TryAdd(key, 0);

    /// <summary>Node ids as <c>--node-id</c> allows them: anything else in the header is not repeated into logs.</summary>
    private static bool IsNodeId(string text) => text.Length is > 0 and <= 32 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Printable(string text) =>
        new([.. text.Take(32).Select(c => c is >= ' ' and <= '~' and not '\'' ? c : '?')]);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a call on the cluster port: {Reason}")]
    private static partial void LogRefusedCall(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a Raft connection from {Remote} for group {Group}: {Reason}")]
    private static partial void LogRefusedRaft(ILogger logger, string? remote, string group, string reason);
}

public static class ClusterWireMiddleware
{
    /// <summary>Installs the wire check ahead of every cluster-port route (before routing, so before the cluster secret's check).</summary>
    public static IApplicationBuilder UseClusterWire(this IApplicationBuilder app, ClusterWire wire) =>
        app.Use(next => http => wire.InvokeAsync(http, next));
}

/// <summary>
/// A peer refused this node's call because the two cannot talk (<see cref="WireVersion"/>): the peer's reason, which
/// names both versions. A transport failure like an unreachable peer's (an <see cref="HttpRequestException"/>), so every
/// caller treats it as one, but its message says why.
/// </summary>
public sealed class WireVersionRefusedException(string peer, string reason)
    : HttpRequestException($"The node at {peer} refused this node's call: {reason}", null, (HttpStatusCode)ClusterWire.RefusedStatus)
{
    /// <summary>The address the call went to.</summary>
    public string Peer { get; } = peer;

    /// <summary>The peer's answer: which versions each side speaks and understands.</summary>
    public string Reason { get; } = reason;
}
