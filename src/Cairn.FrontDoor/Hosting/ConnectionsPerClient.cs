using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Cairn.FrontDoor.Hosting;

/// <summary>
/// Counts the open connections of each client address on the S3 port (a Kestrel connection middleware). A connection
/// over <see cref="RequestLimits.MaxConnectionsPerClient"/> is not counted; it is marked with
/// <see cref="IOverConnectionLimitFeature"/>, and its first request is answered 503 SlowDown in S3's XML (by S3Dispatcher,
/// after TLS and on either HTTP version) and the connection closed. Loopback clients are counted like any other.
/// </summary>
public sealed class ConnectionsPerClient(int limit)
{
    private readonly Dictionary<IPAddress, int> open = [];

    /// <summary>Adds the count to a listener; put it before TLS so that it wraps the whole connection.</summary>
    public void Configure(ListenOptions listen)
    {
        if (limit > 0) listen.Use(next => connection => OnConnectedAsync(connection, next));
    }

    private async Task OnConnectedAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        if (connection.RemoteEndPoint is not IPEndPoint remote)
        {
            await next(connection).ConfigureAwait(false);
            return;
        }
        // An IPv4 client reaching a dual-stack socket is the same client as over IPv4.
        var address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
        if (!TryOpen(address))
        {
            connection.Features.Set<IOverConnectionLimitFeature>(OverConnectionLimit.Instance);
            await next(connection).ConfigureAwait(false);
            return;
        }
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Close(address);
        }
    }

    private bool TryOpen(IPAddress address)
    {
        lock (open)
        {
            var count = open.GetValueOrDefault(address);
            if (count >= limit) return false;
            open[address] = count + 1;
            return true;
        }
    }

    private void Close(IPAddress address)
    {
        lock (open)
        {
            if (open[address] == 1) open.Remove(address);
            else open[address]--;
        }
    }

    private sealed class OverConnectionLimit : IOverConnectionLimitFeature
    {
        public static readonly OverConnectionLimit Instance = new();
    }
}

/// <summary>Marks a connection its client opened beyond <see cref="RequestLimits.MaxConnectionsPerClient"/>.</summary>
public interface IOverConnectionLimitFeature;
