using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.Index.Apply;
using Cairn.Transport;
using Cairn.Transport.Raft;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cairn.Consensus.Tests;

/// <summary>
/// Three in-process nodes, each with ONE port: its cluster listener (h2c with the Raft mux installed), serving
/// range-group forwarding and a signed ping over HTTP/2 and every Raft group's traffic. Each node runs a member
/// of every group; a member's address is its node's cluster address. Stopping a node stops its listener and
/// its members, as a crash would.
/// </summary>
public sealed class MuxNodesFixture : IAsyncDisposable
{
    public const string PingPath = "cluster/v1/ping";

    private readonly string root = Path.Combine(Path.GetTempPath(), "cairn-mux-" + Guid.NewGuid().ToString("N"));
    private readonly Node?[] nodes;
    private readonly RangeForwarding forwarding;

    private sealed record Node(WebApplication App, RaftMux Mux, ConcurrentDictionary<string, RangeReplica> Replicas);

    private MuxNodesFixture(int groups, RangeReplicaOptions options)
    {
        Secret = new ClusterSecret(Key);
        Addresses = [.. Enumerable.Range(0, 3).Select(_ => new IPEndPoint(IPAddress.Loopback, Loopback.FreePort()))];
        Groups = [.. Enumerable.Range(0, groups).Select(g => new RangeGroup($"r{g}", Addresses))];
        Options = options;
        nodes = new Node?[Addresses.Count];
        Client = ClusterHttp.CreateClient(Secret);
        forwarding = new RangeForwarding(Client, Addresses.ToDictionary(a => (EndPoint)a, Url));
    }

    public static async Task<MuxNodesFixture> StartAsync(int groups, RangeReplicaOptions? options = null)
    {
        var fixture = new MuxNodesFixture(groups, options ?? RangeGroupFixture.Patient);
        for (var node = 0; node < fixture.nodes.Length; node++) await fixture.StartAsync(node);
        return fixture;
    }

    public byte[] Key { get; } = RandomNumberGenerator.GetBytes(32);
    public ClusterSecret Secret { get; }
    public RangeReplicaOptions Options { get; }

    /// <summary>Each node's cluster address: the only port it listens on.</summary>
    public IReadOnlyList<IPEndPoint> Addresses { get; }

    public IReadOnlyList<RangeGroup> Groups { get; }

    /// <summary>The signed HTTP/2 cluster client the members forward with.</summary>
    public HttpClient Client { get; }

    public static Uri Url(IPEndPoint address) => new($"http://{address}/");

    public IEnumerable<RangeReplica> Running(string group) => nodes.OfType<Node>().Select(n => n.Replicas[group]);

    public int NodeOf(RangeReplica replica) => Array.FindIndex(nodes, n => n is not null && n.Replicas.Values.Contains(replica));

    public async Task StartAsync(int node)
    {
        var mux = new RaftMux(Secret);
        var replicas = new ConcurrentDictionary<string, RangeReplica>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(Addresses[node], listen =>
        {
            listen.UseClusterProtocol();
            mux.ConfigureListener(listen);
        }));
        var app = builder.Build();
        app.MapRangeGroups(id => replicas.GetValueOrDefault(id)?.Shard, Secret);
        app.MapGet("/" + PingPath, () => "pong").RequireClusterSecret(Secret);
        await app.StartAsync();
        // Members join once the port is up, as on a node: peers dialing a group not started yet are closed and dial again.
        foreach (var group in Groups)
            replicas[group.Id] = await RangeReplica.StartAsync(group, Addresses[node], Path.Combine(root, node.ToString(), group.Id),
                new ShardStateMachine(StorageClassTable.Default, new DayClock(TimeProvider.System)), Options, forwarding, mux: mux);
        nodes[node] = new Node(app, mux, replicas);
    }

    /// <summary>Stops a node as a crash would: its port drops every connection (after a short grace), then its members stop.</summary>
    public async Task StopAsync(int node)
    {
        var stopping = nodes[node] ?? throw new InvalidOperationException($"Node {node} is stopped.");
        nodes[node] = null;
        using (var grace = new CancellationTokenSource(TimeSpan.FromMilliseconds(100))) await stopping.App.StopAsync(grace.Token);
        await stopping.App.DisposeAsync();
        foreach (var replica in stopping.Replicas.Values) await replica.DisposeAsync();
        stopping.Mux.Dispose();
    }

    /// <summary>The running member of the group that leads, once the running members agree on it.</summary>
    public async Task<RangeReplica> LeaderAsync(string group)
    {
        var deadline = DateTime.UtcNow + RangeGroupFixture.Patience;
        while (DateTime.UtcNow < deadline)
        {
            var running = Running(group).ToList();
            if (running.SingleOrDefault(r => r.IsLeader) is { } leader && running.All(r => Equals(r.Leader, leader.Address))) return leader;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No leader elected in {group}: " + string.Join("; ", Running(group).Select(r =>
            $"node {NodeOf(r)} leader={r.IsLeader} sees={r.Leader} applied={r.AppliedIndex}")));
    }

    /// <summary>Waits until every running member of the group has applied what its leader has.</summary>
    public async Task CaughtUpAsync(string group)
    {
        var leader = await LeaderAsync(group);
        var deadline = DateTime.UtcNow + RangeGroupFixture.Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (Running(group).All(r => r.AppliedIndex == leader.AppliedIndex)) return;
            await Task.Delay(20);
        }
        throw new TimeoutException($"The members of {group} did not catch up.");
    }

    public async ValueTask DisposeAsync()
    {
        for (var node = 0; node < nodes.Length; node++)
            if (nodes[node] is not null) await StopAsync(node);
        Client.Dispose();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }
}
