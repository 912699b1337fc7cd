using Cairn.Index.Shards;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cairn.Index.Buckets;
using Cairn.Transport;
using Xunit.Abstractions;

namespace Cairn.Consensus.Tests;

public sealed class RaftMuxTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_groups_elect_and_replicate_with_all_traffic_on_one_port_per_node()
    {
        await using var nodes = await MuxNodesFixture.StartAsync(groups: 3);

        foreach (var group in nodes.Groups)
        {
            var leader = await nodes.LeaderAsync(group.Id);
            // Members are named by their node's cluster address, as the group lists them.
            Assert.Contains(leader.Address, nodes.Addresses);
            var follower = nodes.Running(group.Id).First(r => r != leader);
            // Through a follower: forwarded to the leader over HTTP/2 on the same port as the Raft traffic.
            await new BucketCatalog(IndexRouter.Single(follower.Shard), TimeProvider.System).CreateAsync("b", "owner", "us-east-1");
            for (var i = 0; i < 20; i++)
                await RangeGroupFixture.Objects(i % 2 == 0 ? leader : follower).PutAsync("b", $"{group.Id}-{i}", RangeGroupFixture.Draft(i));

            await nodes.CaughtUpAsync(group.Id);
            var expected = RangeGroupFixture.Contents(leader.Shard);
            foreach (var member in nodes.Running(group.Id)) Assert.Equal(expected, RangeGroupFixture.Contents(member.Shard));
            output.WriteLine($"{group.Id}: leader on node {nodes.NodeOf(leader)}, applied {leader.AppliedIndex}");
        }
        // Nine Raft members and the forwarding endpoints, and this process listens on the three cluster ports only.
        Assert.Equal(nodes.Addresses.Select(a => a.Port).Order(), ListeningPorts().Order());
    }

    [Fact]
    public async Task A_signed_HTTP2_request_to_the_cluster_port_still_works_and_an_unsigned_one_is_refused()
    {
        await using var nodes = await MuxNodesFixture.StartAsync(groups: 1);
        await nodes.LeaderAsync("r0");

        using var plain = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        foreach (var address in nodes.Addresses)
        {
            var ping = new Uri(MuxNodesFixture.Url(address), MuxNodesFixture.PingPath);
            using var signed = await nodes.Client.GetAsync(ping);
            using var unsigned = await plain.GetAsync(ping);

            Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
            Assert.Equal(HttpVersion.Version20, signed.Version);
            Assert.Equal("pong", await signed.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        }
        // The demultiplexer waits for a preface that arrives in pieces, and leaves it whole for HTTP/2: the server
        // answers with its SETTINGS, also when the client's SETTINGS come only after a pause.
        foreach (var split in new[] { 5, 24 })
        {
            using var client = new TcpClient();
            await client.ConnectAsync(nodes.Addresses[0]);
            var stream = client.GetStream();
            byte[] opening = [.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, 0, 0, 0, 4, 0, 0, 0, 0, 0]; // the preface, an empty SETTINGS frame
            await stream.WriteAsync(opening.AsMemory(0, split));
            await Task.Delay(200);
            await stream.WriteAsync(opening.AsMemory(split));
            var frame = new byte[9];
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await stream.ReadExactlyAsync(frame, wait.Token);
            Assert.Equal(4, frame[3]); // frame type SETTINGS
        }
    }

    [Fact]
    public async Task Raft_connections_without_a_valid_proof_or_for_no_group_here_and_garbage_are_closed()
    {
        await using var nodes = await MuxNodesFixture.StartAsync(groups: 1);
        var leader = await nodes.LeaderAsync("r0");
        var port = nodes.Addresses[0];
        var good = Preface(nodes.Secret, "r0");

        // The control: a valid preface for a group the node has stays open, Raft waiting for its first message.
        Assert.False(await IsClosedAsync(port, good));
        Assert.True(await IsClosedAsync(port, good), "the same preface again: a replayed nonce");
        Assert.True(await IsClosedAsync(port, Preface(new ClusterSecret(new byte[32]), "r0")), "another secret");
        Assert.True(await IsClosedAsync(port, Preface(new ClusterSecret(nodes.Key, new ShiftedTime(TimeSpan.FromMinutes(-10))), "r0")), "a stale timestamp");
        Assert.True(await IsClosedAsync(port, Preface(nodes.Secret, "r9")), "a group with no member on that node");
        Assert.True(await IsClosedAsync(port, "CAIRN-RAFT/1 r0\n"u8.ToArray()), "a preface without a proof");
        Assert.True(await IsClosedAsync(port, Preface(nodes.Secret, "r0", version: 2)), "a wire version this node does not understand");
        Assert.True(await IsClosedAsync(port, "CAIRN-RAFT/x r0\n"u8.ToArray()), "a preface without a version");
        Assert.True(await IsClosedAsync(port, Encoding.ASCII.GetBytes("CAIRN-RAFT/1 " + new string('x', 600))), "a preface line too long");
        Assert.True(await IsClosedAsync(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray()), "HTTP/1.1");
        Assert.True(await IsClosedAsync(port, [.. Enumerable.Range(0, 64).Select(i => (byte)(i * 37))]), "garbage");

        // The group's own connections were not disturbed.
        await new BucketCatalog(IndexRouter.Single(leader.Shard), TimeProvider.System).CreateAsync("b", "owner", "us-east-1");
        await nodes.CaughtUpAsync("r0");
    }

    [Fact]
    public async Task With_one_node_gone_the_other_two_elect_a_leader_for_every_group_and_keep_committing()
    {
        await using var nodes = await MuxNodesFixture.StartAsync(groups: 3);
        foreach (var group in nodes.Groups)
            await new BucketCatalog(IndexRouter.Single((await nodes.LeaderAsync(group.Id)).Shard), TimeProvider.System).CreateAsync("b", "owner", "us-east-1");

        // The node leading r0 goes: r0 at least has to elect again.
        var gone = nodes.NodeOf(await nodes.LeaderAsync("r0"));
        await nodes.StopAsync(gone);

        foreach (var group in nodes.Groups)
        {
            var leader = await nodes.LeaderAsync(group.Id);
            Assert.NotEqual(nodes.Addresses[gone], leader.Address);
            var follower = nodes.Running(group.Id).Single(r => r != leader);
            for (var i = 0; i < 20; i++)
                await RangeGroupFixture.Objects(i % 2 == 0 ? leader : follower).PutAsync("b", $"after-{i}", RangeGroupFixture.Draft(i));
            await nodes.CaughtUpAsync(group.Id);
            Assert.Equal(RangeGroupFixture.Contents(leader.Shard), RangeGroupFixture.Contents(follower.Shard));
            output.WriteLine($"{group.Id}: leader on node {nodes.NodeOf(leader)} with node {gone} gone, applied {leader.AppliedIndex}");
        }
    }

    /// <summary>The preface a Raft connection opens with, written out here to pin the wire format.</summary>
    private static byte[] Preface(ClusterSecret secret, string group, int version = 1)
    {
        var (timestamp, nonce, signature) = secret.Sign($"CAIRN-RAFT/{version}", group);
        return Encoding.ASCII.GetBytes($"CAIRN-RAFT/{version} {group} {timestamp} {nonce} {signature}\n");
    }

    /// <summary>Sends <paramref name="bytes"/> on a new connection: true when the node closes it, false when it is still open after two seconds.</summary>
    private static async Task<bool> IsClosedAsync(IPEndPoint port, byte[] bytes)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(port);
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

    /// <summary>The TCP ports this process listens on (Linux: its socket inodes matched against /proc/net/tcp{,6}).</summary>
    private static IEnumerable<int> ListeningPorts()
    {
        var sockets = new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos()
            .Select(fd => fd.LinkTarget ?? "").Where(t => t.StartsWith("socket:[", StringComparison.Ordinal))
            .Select(t => t["socket:[".Length..^1]).ToHashSet();
        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .SelectMany(table => File.ReadLines(table).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[3] == "0A" && sockets.Contains(f[9])) // 0A: LISTEN
            .Select(f => int.Parse(f[1][(f[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .Distinct();
    }

    private sealed class ShiftedTime(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + by;
    }
}
