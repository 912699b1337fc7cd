using System.Net;
using Cairn.Testing;
using Cairn.Transport;

namespace Cairn.Cli.Tests;

/// <summary>`cairn server --route-peer PEER=VIA`: how routes are read, and a malformed one refused at start.</summary>
public sealed class RoutePeerTests
{
    [Fact]
    public void Routes_are_read_repeated_or_comma_separated_and_written_back_the_same_way()
    {
        var routes = PeerRoutes.Parse(["127.0.0.1:7102=127.0.0.1:17102, 127.0.0.1:7103=127.0.0.1:17103", "[::1]:7104=127.0.0.1:17104"]);

        Assert.Equal(IPEndPoint.Parse("127.0.0.1:17103"), routes.Dial(IPEndPoint.Parse("127.0.0.1:7103")));
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:17104"), routes.Dial(IPEndPoint.Parse("[::1]:7104")));
        // A peer without a route, and a host name (routes name IP addresses), are dialled as they are.
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:7101"), routes.Dial(IPEndPoint.Parse("127.0.0.1:7101")));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 17102), routes.Dial(new DnsEndPoint("127.0.0.1", 7102)));
        Assert.Equal(new DnsEndPoint("node2", 7102), routes.Dial(new DnsEndPoint("node2", 7102)));
        Assert.Equal(routes, PeerRoutes.Parse([PeerRoutes.Format(routes)]));
    }

    [Theory]
    [InlineData("127.0.0.1:7102")]
    [InlineData("127.0.0.1:7102=nowhere:1")]
    [InlineData("127.0.0.1=127.0.0.1:17102")]
    [InlineData("127.0.0.1:7102=127.0.0.1:1=2")]
    [InlineData("127.0.0.1:7102=127.0.0.1:1,127.0.0.1:7102=127.0.0.1:2")]
    public async Task A_malformed_route_stops_the_server_at_start_with_one_line_and_exit_code_1(string route)
    {
        var data = Path.Combine(Path.GetTempPath(), "cairn-route-" + Guid.NewGuid().ToString("N")[..8]);
        var command = ServerProcess.CairnCommand("server", "--data", data, "--address", $"127.0.0.1:{ServerProcess.FreePort()}",
            "--node-id", "n1", "--cluster-address", "127.0.0.1:7101", "--join", "127.0.0.1:7101", "--route-peer", route);
        command.Environment["CAIRN_CLUSTER_SECRET"] = LocalClusterProcesses.Secret;
        try
        {
            var result = await ProcessRunner.RunAsync(command, TimeSpan.FromMinutes(1));

            Assert.True(result.ExitCode == 1, result.ToString());
            var error = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("cairn server: --route-peer", error);
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }
}
