using System.Net;
using System.Net.Sockets;
using Cairn.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Consensus.Tests;

/// <summary>What every group fixture needs of the machine: free loopback ports and cluster listeners on them.</summary>
internal static class Loopback
{
    private static readonly HashSet<int> PortsHandedOut = [];

    /// <summary>
    /// A port that is free now and below Linux's ephemeral range (32768–60999): the members connect to each
    /// other before every listener is bound, and an outgoing connection's ephemeral port must not be able to
    /// take a port picked for a member that has not started yet. Never one handed out before in this process:
    /// a group's ports are all picked before any is bound, so a port picked twice failed the second bind, and a
    /// port an earlier group used may still have connections in TIME_WAIT.
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            lock (PortsHandedOut)
                if (!PortsHandedOut.Add(port)) continue;
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException) when (attempt < 100)
            {
            }
        }
    }

    /// <summary>A cluster listener (h2c) on the port of <paramref name="url"/>, serving the routes <paramref name="map"/> adds.</summary>
    public static async Task<WebApplication> ListenAsync(Uri url, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, url.Port, listen => listen.UseClusterProtocol()));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }

    /// <summary>Stops a listener as a crash would: in-flight calls are dropped after a short grace.</summary>
    public static async Task StopAsync(WebApplication app)
    {
        using (var grace = new CancellationTokenSource(TimeSpan.FromMilliseconds(100))) await app.StopAsync(grace.Token);
        await app.DisposeAsync();
    }
}
