using System.Net;
using System.Security.Cryptography;
using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Cairn.Consensus.Meta;
using Cairn.Transport;
using Microsoft.AspNetCore.Builder;

namespace Cairn.Consensus.Tests;

/// <summary>
/// Three members of a meta group in this process, on loopback ports, each in its own temporary folder and
/// with its own cluster listener (serving <see cref="MetaGroupEndpoints.MapMetaGroup"/>); stopping a member
/// stops both, as a crash would. Commands carry times fixed far from the test machine's clock.
/// </summary>
public sealed class MetaGroupFixture : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2001, 2, 3, 4, 5, 6, TimeSpan.Zero);

    private readonly string root = Path.Combine(Path.GetTempPath(), "cairn-meta-" + Guid.NewGuid().ToString("N"));
    private readonly MetaReplica?[] replicas;
    private readonly WebApplication?[] listeners;
    private readonly RangeForwarding forwarding;
    private readonly RangeReplicaOptions options;

    private MetaGroupFixture(RangeGroup group, IReadOnlyList<Uri> clusterUrls, RangeReplicaOptions options, RangeForwardingOptions? forwardingOptions)
    {
        Group = group;
        ClusterUrls = clusterUrls;
        this.options = options;
        replicas = new MetaReplica?[group.Members.Count];
        listeners = new WebApplication?[group.Members.Count];
        Client = ClusterHttp.CreateClient(Secret);
        forwarding = new RangeForwarding(Client, group.Members.Zip(clusterUrls).ToDictionary(m => (EndPoint)m.First, m => m.Second), forwardingOptions);
    }

    public RangeGroup Group { get; }

    public ClusterSecret Secret { get; } = new(RandomNumberGenerator.GetBytes(32));

    public HttpClient Client { get; }

    /// <summary>Each member's cluster base URL.</summary>
    public IReadOnlyList<Uri> ClusterUrls { get; }

    public IEnumerable<MetaReplica> Running => replicas.OfType<MetaReplica>();

    public MetaReplica this[int member] => replicas[member] ?? throw new InvalidOperationException($"Member {member} is stopped.");

    public static async Task<MetaGroupFixture> StartAsync(RangeReplicaOptions? options = null, RangeForwardingOptions? forwarding = null)
    {
        var group = new RangeGroup("meta", [.. Enumerable.Range(0, 3).Select(_ => new IPEndPoint(IPAddress.Loopback, Loopback.FreePort()))]);
        IReadOnlyList<Uri> urls = [.. group.Members.Select(_ => new Uri($"http://127.0.0.1:{Loopback.FreePort()}/"))];
        var fixture = new MetaGroupFixture(group, urls, options ?? RangeGroupFixture.Patient, forwarding);
        for (var i = 0; i < 3; i++) await fixture.StartAsync(i);
        return fixture;
    }

    public async Task StartAsync(int member)
    {
        replicas[member] = await MetaReplica.StartAsync(Group, Group.Members[member], Folder(member), options, forwarding);
        listeners[member] = await Loopback.ListenAsync(ClusterUrls[member], app => app.MapMetaGroup(() => replicas[member], Secret));
    }

    /// <summary>Where a member keeps its snapshots and log.</summary>
    public string Folder(int member) => Path.Combine(root, member.ToString());

    /// <summary>Stops a member as a crash would: its listener drops in-flight calls (after a short grace), then the replica stops.</summary>
    public async Task StopAsync(int member)
    {
        if (listeners[member] is { } app)
        {
            await Loopback.StopAsync(app);
            listeners[member] = null;
        }
        await this[member].DisposeAsync();
        replicas[member] = null;
    }

    public int IndexOf(MetaReplica replica) => Array.IndexOf(replicas, replica);

    /// <summary>The running member that leads, once the running members agree on one.</summary>
    public async Task<MetaReplica> LeaderAsync()
    {
        var deadline = DateTime.UtcNow + RangeGroupFixture.Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (Running.SingleOrDefault(r => r.IsLeader) is { } leader && Running.All(r => Equals(r.Leader, leader.Address))) return leader;
            await Task.Delay(50);
        }
        throw new TimeoutException("No leader elected: " + string.Join("; ", Running.Select(r =>
            $"{IndexOf(r)} leader={r.IsLeader} sees={r.Leader} applied={r.AppliedIndex} snapshot={r.SnapshotIndex}")));
    }

    /// <summary>The followers of the current leader.</summary>
    public async Task<(MetaReplica Leader, List<MetaReplica> Followers)> RolesAsync()
    {
        var leader = await LeaderAsync();
        return (leader, Running.Where(r => r != leader).ToList());
    }

    /// <summary>Waits until every running member has applied what the leader has.</summary>
    public async Task CaughtUpAsync()
    {
        var leader = await LeaderAsync();
        var deadline = DateTime.UtcNow + RangeGroupFixture.Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (Running.All(r => r.AppliedIndex == leader.AppliedIndex)) return;
            await Task.Delay(20);
        }
        throw new TimeoutException("The replicas did not catch up.");
    }

    public static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    /// <summary>A node {id} on machine zone/rack/machine <paramref name="domain"/>.</summary>
    public static NodeSpec Node(string id, string domain) => new(id, $"http://{id}:9000", $"{id}:9100", domain);

    /// <summary>Three nodes in three zones: one range on all of them.</summary>
    public static Bootstrap ThreeZones(string? requestId = null) =>
        new([Node("n1", "z1/r1/m1"), Node("n2", "z2/r1/m2"), Node("n3", "z3/r1/m3")], HeartbeatGrace: TimeSpan.FromSeconds(10)) { At = T0, RequestId = requestId };

    /// <summary>A map as bytes, to compare two maps by value.</summary>
    public static string Bytes(ClusterMap map) => System.Text.Encoding.UTF8.GetString(MetaCodec.Encode(map));

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < replicas.Length; i++)
            if (replicas[i] is not null) await StopAsync(i);
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
