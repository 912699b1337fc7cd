using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Cairn.Testing;
using Cairn.Transport;

namespace Cairn.Node.Tests;

/// <summary>
/// A node refuses, with a message naming both versions, a peer whose wire version it cannot talk to: an HTTP call on
/// its cluster port (426, the reason in the body, the caller's typed exception saying the same), a Raft preface
/// (connection closed, the reason in its log, once per peer), a node joining, bootstrapping or restarting as another
/// release (one line on stderr, exit 1, nothing joined). "Another release" is played with the test-only
/// <see cref="WireVersion.OverrideVariable"/>.
/// </summary>
public sealed partial class WireVersionClusterTests(ThreeNodeCluster fixture) : IClassFixture<ThreeNodeCluster>
{
    private const string Advice = "Upgrade one release at a time";

    private LocalClusterProcesses Cluster => fixture.Cluster;

    private static Dictionary<string, string> Plays(string wire) => new() { [WireVersion.OverrideVariable] = wire };

    [Fact]
    public async Task A_call_in_a_wire_version_the_node_cannot_talk_to_is_refused_426_naming_both_versions_and_logged_once()
    {
        var n1 = Cluster["n1"];

        // An earlier release sends no version: taken as 1, served.
        using (var unversioned = await RawCallAsync(n1, version: null, accepts: null, from: null))
            Assert.Equal(HttpStatusCode.OK, unversioned.StatusCode);

        // A later release speaking 2: refused before the handler, with both versions, the same every time.
        for (var i = 0; i < 3; i++)
        {
            using var refused = await RawCallAsync(n1, version: "2", accepts: "2-2", from: "n9");
            Assert.Equal(426, (int)refused.StatusCode);
            Assert.Equal("1", refused.Headers.GetValues(WireVersion.VersionHeader).Single());
            Assert.Equal("1-1", refused.Headers.GetValues(WireVersion.AcceptsHeader).Single());
            Assert.StartsWith("peer n9 speaks cairn wire 2; this node (n1) speaks cairn wire 1 and understands wire 1 only.", await refused.Content.ReadAsStringAsync());
        }
        // The next release, understanding 2 but still speaking 1, as in a rolling upgrade: served.
        using (var next = await RawCallAsync(n1, version: "1", accepts: "1-2", from: "n8"))
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        using (var unreadable = await RawCallAsync(n1, version: "two", accepts: null, from: "n7"))
            Assert.Contains("sent a wire version this node (n1) cannot read", await unreadable.Content.ReadAsStringAsync());

        // The caller's side: the cluster client turns the answer into a typed exception saying the same.
        using var later = ClusterHttp.CreateClient(ClusterSecret.FromText(LocalClusterProcesses.Secret), wire: new ClusterWire(new WireVersion(2, 2, 2), "n9"));
        var thrown = await Assert.ThrowsAsync<WireVersionRefusedException>(() => later.GetAsync($"http://{n1.ClusterAddress}/cluster/v1/node"));
        Assert.Equal(n1.ClusterAddress, thrown.Peer);
        Assert.Contains($"The node at {n1.ClusterAddress} refused this node's call: peer n9 speaks cairn wire 2; this node (n1) speaks cairn wire 1", thrown.Message);

        // Logged at Warning once for n9, though refused four times.
        var line = "Refused a call on the cluster port: peer n9 speaks cairn wire 2";
        await WaitForLogAsync(n1, line);
        await Task.Delay(500);
        Assert.Equal(1, Count(n1.Server.Log, line));
        Assert.Contains("warn:", n1.Server.Log.Split('\n').First(l => l.Contains(line, StringComparison.Ordinal)));
        await WaitForLogAsync(n1, "Refused a call on the cluster port: peer n7 sent a wire version this node (n1) cannot read (cairn-wire: 'two'");
    }

    [Fact]
    public async Task A_Raft_preface_of_a_wire_version_the_node_does_not_understand_is_closed_and_the_log_says_why()
    {
        var n2 = Cluster["n2"];
        var secret = ClusterSecret.FromText(LocalClusterProcesses.Secret);

        // The control: this release's preface, rightly signed, is taken (Raft waits for its first message).
        Assert.False(await IsClosedAsync(n2, Preface(secret, 1, "meta")), "a preface of wire 1");
        Assert.True(await IsClosedAsync(n2, Preface(secret, 2, "meta")), "a preface of wire 2");
        Assert.True(await IsClosedAsync(n2, Preface(secret, 2, "meta")), "a preface of wire 2, again");
        Assert.True(await IsClosedAsync(n2, "CAIRN-RAFT/7 some later shape\n"u8.ToArray()), "wire 7, shaped otherwise");

        var line = new Regex(@"Refused a Raft connection from 127\.0\.0\.1:\d+ for group meta: it speaks cairn wire 2 \(CAIRN-RAFT/2\); "
            + @"this node \(n2\) speaks cairn wire 1 and understands wire 1 only\.");
        await WaitForLogAsync(n2, line);
        await WaitForLogAsync(n2, "it speaks cairn wire 7 (CAIRN-RAFT/7)");
        await Task.Delay(500);
        Assert.Single(line.Matches(n2.Server.Log));
    }

    [Fact]
    public async Task A_node_of_another_wire_version_is_refused_at_join_with_one_line_and_is_not_listed()
    {
        var n1 = Cluster["n1"];
        var later = Cluster.Joining("n4", Plays("2"));
        await using (later.Server)
        {
            later.Server.Launch();
            Assert.Equal(1, await later.Server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var refusal = Assert.Single(later.Server.ErrorLog.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Matches(@"^cairn server: The cluster at 127\.0\.0\.1:\d+ refuses node n4: peer n4 speaks cairn wire 2; this node \(n\d\) speaks cairn wire 1 "
                + "and understands wire 1 only. " + Advice, refusal);
        }
        var status = await Cluster.StatusAsync(n1);
        Assert.DoesNotContain("n4", status.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task A_member_restarted_as_a_release_its_peers_cannot_talk_to_stops_at_start_and_returns_as_this_release()
    {
        var n3 = Cluster["n3"].Server;
        await n3.StopGracefullyAsync();
        n3.SetEnvironment(WireVersion.OverrideVariable, "2");
        try
        {
            n3.Launch();
            Assert.Equal(1, await n3.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Matches(@"cairn server: The cluster refuses node n3: the node at 127\.0\.0\.1:\d+ says peer n3 speaks cairn wire 2; "
                + @"this node \(n[12]\) speaks cairn wire 1", n3.ErrorLog);
        }
        finally
        {
            n3.SetEnvironment(WireVersion.OverrideVariable, null);
            await n3.StartProcessAsync();
        }
        var status = await Cluster.StatusAsync(Cluster["n1"]);
        Assert.Equal(3, status.GetProperty("nodes").GetArrayLength());
    }

    [Fact]
    public async Task Bootstrapping_nodes_of_different_wire_versions_both_refuse_with_one_line()
    {
        var addresses = LocalClusterProcesses.ReserveClusterAddresses(2);
        var join = string.Join(',', addresses.Values);
        var root = Path.Combine(Path.GetTempPath(), "cairn-wire-" + Guid.NewGuid().ToString("N")[..8]);
        var nodes = addresses.Select(a => ServerProcess.Create(Path.Combine(root, a.Key), ServerProcess.FreePort(),
            ["--node-id", a.Key, "--cluster-address", a.Value.ToString(), "--join", join],
            new Dictionary<string, string>(a.Key == "n2" ? Plays("2") : []) { ["CAIRN_CLUSTER_SECRET"] = LocalClusterProcesses.Secret })).ToArray();
        try
        {
            foreach (var node in nodes) node.Launch();
            foreach (var node in nodes) Assert.Equal(1, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Matches(@"^cairn server: Bootstrap: the node at 127\.0\.0\.1:\d+ refuses this node \(n1\): peer n1 speaks cairn wire 1; "
                + @"this node \(n2\) speaks cairn wire 2 and understands wire 2 only\.", nodes[0].ErrorLog);
            Assert.Matches(@"^cairn server: Bootstrap: the node at 127\.0\.0\.1:\d+ refuses this node \(n2\): peer n2 speaks cairn wire 2; "
                + @"this node \(n1\) speaks cairn wire 1 and understands wire 1 only\.", nodes[1].ErrorLog);
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>GET of the node's description on its cluster port over h2c, with the cluster secret's proof and the given wire headers.</summary>
    private static async Task<HttpResponseMessage> RawCallAsync(ClusterNodeProcess node, string? version, string? accepts, string? from)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{node.ClusterAddress}/cluster/v1/node")
            { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var (timestamp, nonce, signature) = ClusterSecret.FromText(LocalClusterProcesses.Secret).Sign("GET", "/cluster/v1/node");
        request.Headers.Add(ClusterSecret.TimestampHeader, timestamp);
        request.Headers.Add(ClusterSecret.NonceHeader, nonce);
        request.Headers.Add(ClusterSecret.SignatureHeader, signature);
        if (version is not null) request.Headers.Add(WireVersion.VersionHeader, version);
        if (accepts is not null) request.Headers.Add(WireVersion.AcceptsHeader, accepts);
        if (from is not null) request.Headers.Add(WireVersion.NodeHeader, from);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>A Raft preface as a node of wire <paramref name="version"/> would send it, signed with the cluster secret.</summary>
    private static byte[] Preface(ClusterSecret secret, int version, string group)
    {
        var protocol = $"CAIRN-RAFT/{version}";
        var (timestamp, nonce, signature) = secret.Sign(protocol, group);
        return Encoding.ASCII.GetBytes($"{protocol} {group} {timestamp} {nonce} {signature}\n");
    }

    /// <summary>Sends <paramref name="bytes"/> on a new connection to the node's cluster port: true when the node closes it within 2 s.</summary>
    private static async Task<bool> IsClosedAsync(ClusterNodeProcess node, byte[] bytes)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, node.ClusterPort);
        var stream = client.GetStream();
        await stream.WriteAsync(bytes);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            return await stream.ReadAsync(new byte[256], wait.Token) == 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset
        }
    }

    private static Task WaitForLogAsync(ClusterNodeProcess node, string text) => WaitForLogAsync(node, new Regex(Regex.Escape(text)));

    private static async Task WaitForLogAsync(ClusterNodeProcess node, Regex pattern)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!pattern.IsMatch(node.Server.Log))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{node.Id}'s log never said /{pattern}/:\n{node.Server.Log}");
            await Task.Delay(100);
        }
    }

    private static int Count(string text, string part) => Regex.Matches(text, Regex.Escape(part)).Count;
}
