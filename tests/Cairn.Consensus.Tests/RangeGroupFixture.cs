using System.Net;
using System.Security.Cryptography;
using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.Index.Apply;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Index.Shards;
using Cairn.Transport;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Microsoft.AspNetCore.Builder;

namespace Cairn.Consensus.Tests;

/// <summary>
/// Three replicas of one range group in this process, on loopback ports, each in its own temporary folder.
/// With forwarding (the default) each member also has its cluster listener (h2c on its own loopback port,
/// serving <see cref="RangeGroupEndpoints.MapRangeGroups"/>), and stopping a member stops both, as a crash would.
/// </summary>
public sealed class RangeGroupFixture : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly string root = Path.Combine(Path.GetTempPath(), "cairn-range-" + Guid.NewGuid().ToString("N"));
    private readonly RangeReplica?[] replicas;
    private readonly WebApplication?[] listeners;
    private readonly RangeForwarding? forwarding;

    private readonly RangeReplicaOptions replicaOptions;

    private RangeGroupFixture(RangeGroup group, IReadOnlyList<Uri>? clusterUrls, RangeForwardingOptions? options, RangeReplicaOptions replicaOptions)
    {
        Group = group;
        ClusterUrls = clusterUrls ?? [];
        this.replicaOptions = replicaOptions;
        replicas = new RangeReplica?[group.Members.Count];
        listeners = new WebApplication?[group.Members.Count];
        if (clusterUrls is null) return;
        Client = ClusterHttp.CreateClient(Secret);
        forwarding = new RangeForwarding(Client, group.Members.Zip(clusterUrls).ToDictionary(m => (EndPoint)m.First, m => m.Second), options);
    }

    /// <summary>
    /// Election timeouts of 0.5–1 s instead of 0.25–0.5 s: the test machine's two cores are shared with other
    /// test assemblies, and a member starved of CPU for a quarter second otherwise calls a needless election.
    /// </summary>
    public static readonly RangeReplicaOptions Patient = new() { LowerElectionTimeoutMs = 500, UpperElectionTimeoutMs = 1000 };

    public RangeGroup Group { get; }

    public ClusterSecret Secret { get; } = new(RandomNumberGenerator.GetBytes(32));

    /// <summary>The cluster client the members forward with (null without forwarding).</summary>
    public HttpClient? Client { get; }

    /// <summary>Each member's cluster base URL (empty without forwarding).</summary>
    public IReadOnlyList<Uri> ClusterUrls { get; }

    public IEnumerable<RangeReplica> Running => replicas.OfType<RangeReplica>();

    public RangeReplica this[int member] => replicas[member] ?? throw new InvalidOperationException($"Member {member} is stopped.");

    public static async Task<RangeGroupFixture> StartAsync(bool forwarding = true, RangeForwardingOptions? options = null, RangeReplicaOptions? replicaOptions = null)
    {
        var group = new RangeGroup("range-1", [.. Enumerable.Range(0, 3).Select(_ => new IPEndPoint(IPAddress.Loopback, Loopback.FreePort()))]);
        IReadOnlyList<Uri>? urls = forwarding ? [.. group.Members.Select(_ => new Uri($"http://127.0.0.1:{Loopback.FreePort()}/"))] : null;
        var fixture = new RangeGroupFixture(group, urls, options, replicaOptions ?? Patient);
        for (var i = 0; i < 3; i++) await fixture.StartAsync(i);
        return fixture;
    }

    /// <summary>Starts a member from its folder, with the group's replica options unless <paramref name="options"/> are given.</summary>
    public async Task StartAsync(int member, RangeReplicaOptions? options = null)
    {
        replicas[member] = await RangeReplica.StartAsync(Group, Group.Members[member], Folder(member),
            new ShardStateMachine(StorageClassTable.Default, new DayClock(TimeProvider.System)), options ?? replicaOptions, forwarding);
        if (forwarding is not null) listeners[member] = await ListenAsync(member);
    }

    /// <summary>Where a member keeps its store, snapshots and log.</summary>
    public string Folder(int member) => Path.Combine(root, member.ToString(), Group.Id);

    /// <summary>Where a member keeps a range split off this group: beside the group's own folder, as a node keeps its ranges.</summary>
    public string RangeFolder(int member, string range) => Path.Combine(root, member.ToString(), range);

    /// <summary>The member's cluster listener, serving whichever replica of the group runs in that slot.</summary>
    private Task<WebApplication> ListenAsync(int member) =>
        Loopback.ListenAsync(ClusterUrls[member], app => app.MapRangeGroups(id => id == Group.Id ? replicas[member]?.Shard : null, Secret));

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

    /// <summary>
    /// Copies a member's folder as it is on disk now into <paramref name="image"/>: what a crash at this moment
    /// would leave (the process dies, the kernel keeps what was written), to start from with <see cref="UseImage"/>.
    /// </summary>
    public void TakeImage(int member, string image) => CopyFolder(Folder(member), image);

    /// <summary>Replaces a stopped member's folder with an image taken earlier.</summary>
    public void UseImage(int member, string image)
    {
        if (replicas[member] is not null) throw new InvalidOperationException($"Member {member} is running.");
        Directory.Delete(Folder(member), recursive: true);
        Directory.Move(image, Folder(member));
    }

    /// <summary>A place for a member's image, inside the group's temporary folder.</summary>
    public string ImagePath(int member, string name) => Path.Combine(root, $"{member}-{name}");

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.EnumerateDirectories(from)) CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
    }

    /// <summary>
    /// The term a stopped member's Raft log holds: the one it will start in. Only for a log never cut (no
    /// snapshot), which the side reader replays whole.
    /// </summary>
    public async Task<long> PersistedTermAsync(int member)
    {
        if (replicas[member] is not null) throw new InvalidOperationException($"Member {member} is running.");
        if (Directory.EnumerateDirectories(Path.Combine(Folder(member), "snapshots")).Any())
            throw new InvalidOperationException($"Member {member} has snapshots: its log may be cut.");
        await using var log = new WriteAheadLog(RaftLogFiles.Options(Path.Combine(Folder(member), "raft")), new NothingApplied());
        return ((IPersistentState)log).Term;
    }

    public int IndexOf(RangeReplica replica) => Array.IndexOf(replicas, replica);

    /// <summary>The running member that leads, once the running members agree on one.</summary>
    public async Task<RangeReplica> LeaderAsync()
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (Running.SingleOrDefault(r => r.IsLeader) is { } leader && Running.All(r => Equals(r.Leader, leader.Address))) return leader;
            await Task.Delay(50);
        }
        throw new TimeoutException("No leader elected: " + string.Join("; ", Running.Select(r =>
            $"{IndexOf(r)} term={r.Term} leader={r.IsLeader} sees={r.Leader} applied={r.AppliedIndex} snapshot={r.SnapshotIndex} installed={r.InstalledSnapshots}")));
    }

    /// <summary>The leader, once it has applied CreateBucket for <paramref name="bucket"/>.</summary>
    public async Task<RangeReplica> LeaderWithBucketAsync(string bucket)
    {
        var leader = await LeaderAsync();
        await new BucketCatalog(IndexRouter.Single(leader.Shard), TimeProvider.System).CreateAsync(bucket, "owner", "us-east-1");
        return leader;
    }

    /// <summary>Object commands and reads through one replica's shard.</summary>
    public static ObjectCatalog Objects(RangeReplica replica) => new(Index.Shards.IndexRouter.Single(replica.Shard), TimeProvider.System);

    /// <summary>Waits until every running member has applied what the leader has.</summary>
    public async Task CaughtUpAsync()
    {
        var leader = await LeaderAsync();
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (Running.All(r => r.AppliedIndex == leader.AppliedIndex)) return;
            await Task.Delay(20);
        }
        throw new TimeoutException("The replicas did not catch up.");
    }

    /// <summary>
    /// Stops a follower of <paramref name="leader"/>, runs <paramref name="meanwhile"/>, starts the follower again
    /// and waits until every member caught up; returns the follower's index.
    /// </summary>
    public async Task<int> WhileAFollowerIsDownAsync(RangeReplica leader, Func<Task> meanwhile)
    {
        var follower = IndexOf(Running.First(r => r != leader));
        await StopAsync(follower);
        await meanwhile();
        await StartAsync(follower);
        await CaughtUpAsync();
        return follower;
    }

    /// <summary>Puts <paramref name="count"/> objects named <c>{prefix}-{i}</c>, one after the other.</summary>
    public static async Task PutManyAsync(ObjectCatalog objects, string prefix, int count)
    {
        for (var i = 0; i < count; i++) await objects.PutAsync("b", $"{prefix}-{i}", Draft(i));
    }

    /// <summary>Everything in a replica's store, read from one snapshot.</summary>
    public static List<(string Key, string Value)> Contents(ReplicatedIndexShard shard)
    {
        using var snapshot = shard.OpenSnapshot();
        return [.. snapshot.Scan([], [0xFF]).Select(e => (Convert.ToHexString(e.Key), Convert.ToHexString(e.Value)))];
    }

    public static VersionRecord Draft(int size = 1) => new()
    {
        VersionId = "",
        Sequence = 0,
        LastModified = DateTimeOffset.UtcNow,
        Size = size,
        ETag = "\"e\"",
        Inline = new byte[size],
    };

    /// <summary>A state machine for reading a stopped member's log on the side: it applies nothing.</summary>
    private sealed class NothingApplied : IStateMachine
    {
        public ISnapshot? Snapshot => null;

        public ValueTask<long> ApplyAsync(LogEntry entry, CancellationToken token) => ValueTask.FromResult(entry.Index);

        public ValueTask ReclaimGarbageAsync(long watermark, CancellationToken token) => ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < replicas.Length; i++)
            if (replicas[i] is not null) await StopAsync(i);
        Client?.Dispose();
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
