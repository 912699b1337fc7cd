using System.Net;
using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Cairn.Consensus;
using Cairn.Consensus.Meta;
using Cairn.Data.Drives;
using Cairn.Index.Apply;
using Cairn.Transport;
using Cairn.Transport.Raft;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Cluster;

/// <summary>
/// The cluster half of a node: the map it was bootstrapped with, the cluster client, every drive of the
/// cluster (this node's local drives, the others' as <see cref="RemoteFragmentStore"/>s) and the replicas of the
/// range groups this node is a member of. A range born of a split is started here once this node's replica of the
/// range it split from has made its store (<see cref="RangeStateMachine"/>), or on a checkpoint of another member's
/// store once that replica passed the split by a snapshot; <see cref="Ranges"/> is the range table the index router
/// reads. Disposing it stops the replicas.
/// </summary>
public sealed class ClusterRuntime : IAsyncDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RangeReplica> replicas;
    private readonly string dataPath;
    private readonly ShardStateMachine machine;
    private readonly RangeForwarding forwarding;
    private readonly ILoggerFactory logging;
    private readonly CancellationTokenSource stopping = new();
    private readonly SemaphoreSlim starting = new(1, 1);
    private Task? watching;

    /// <summary>How long a replica this node no longer holds keeps serving the requests that were already using it.</summary>
    private static readonly TimeSpan RetireGrace = TimeSpan.FromSeconds(2);

    private ClusterRuntime(ClusterOptions options, MetaReplica meta, HttpClient http, IReadOnlyDictionary<string, IFragmentStore> localDrives,
        ClusterDrives drives, System.Collections.Concurrent.ConcurrentDictionary<string, RangeReplica> replicas, RaftMux mux,
        string dataPath, ShardStateMachine machine, RangeForwarding forwarding, ILoggerFactory logging)
    {
        Mux = mux;
        Options = options;
        Meta = meta;
        Http = http;
        LocalDrives = localDrives;
        Drives = drives;
        this.replicas = replicas;
        this.dataPath = dataPath;
        this.machine = machine;
        this.forwarding = forwarding;
        this.logging = logging;
        Ranges = new ClusterRangeTable(this);
    }

    /// <summary>The ranges of the map with this node's replica of each: what the index router routes by.</summary>
    public ClusterRangeTable Ranges { get; }

    public ClusterOptions Options { get; }

    /// <summary>Raft's share of the cluster port: install it on the cluster listener.</summary>
    public RaftMux Mux { get; }
    /// <summary>This node's member of the meta group, which holds the cluster map.</summary>
    public MetaReplica Meta { get; }

    /// <summary>The cluster map as this node's meta replica has applied it (node states change as heartbeats and mark-downs apply).</summary>
    public ClusterMap Map => Meta.Current;
    public HttpClient Http { get; }
    public IReadOnlyDictionary<string, IFragmentStore> LocalDrives { get; }
    /// <summary>Every drive of the cluster: this node's, and the others' reached over the cluster port (learned as the map gains them).</summary>
    public ClusterDrives Drives { get; }
    public IReadOnlyCollection<RangeReplica> Replicas => replicas.Values.ToArray();

    /// <summary>
    /// This node's replica of the first range (group 1, which a split always leaves on the left): whose leader owns the
    /// background work. Null only on a node that joined, until its replica of the range started.
    /// </summary>
    public RangeReplica? IndexReplica => replicas.GetValueOrDefault(GroupName(1));

    /// <summary>
    /// Completes at once on a node that bootstrapped the cluster; on a node that joined, once it was admitted and holds
    /// every replica the map gives it: each range counting it as a member runs here, and no range still lacks members
    /// (the range's leader would add this node next).
    /// </summary>
    public async Task JoinedAsync(CancellationToken cancellationToken)
    {
        if (Options.Bootstraps) return;
        while (Map is var map && !(map.Node(Options.NodeId)?.State == NodeState.Up && map.Ranges.All(r => r.Members.Contains(Options.NodeId)
                   ? replicas.ContainsKey(GroupName(r.GroupId))
                   : !AddsThisNode(map, r))))
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How this node reaches the other nodes' range groups (forwarded commands, reads of ranges it holds no replica of).</summary>
    public RangeForwarding Forwarding => forwarding;

    /// <summary>The member of a range group in this process, for forwarded commands; null when this node is not a member.</summary>
    public RangeReplica? Replica(string group) => replicas.GetValueOrDefault(group);

    public static string GroupName(long groupId) => $"g{groupId}";

    /// <summary>Starts this node's range replicas and reaches the other nodes' drives, from the map the meta group holds.</summary>
    public static async Task<ClusterRuntime> StartAsync(ClusterOptions options, MetaReplica meta, RaftMux mux, string dataPath,
        IReadOnlyDictionary<string, IFragmentStore> localDrives, ShardStateMachine machine, HttpClient http, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        var map = meta.Current;
        var drives = new ClusterDrives(options.NodeId, localDrives, http, map);

        // Raft runs over each node's cluster port (every group shares it): a member's address is its node's cluster address.
        var clusterPorts = map.Nodes.DistinctBy(n => n.ClusterAddress).ToDictionary(n => (EndPoint)ClusterEndPoint(n), ClusterBase);
        var forwarding = new RangeForwarding(http, clusterPorts);
        var runtime = new ClusterRuntime(options, meta, http, localDrives, drives, new(StringComparer.Ordinal), mux, dataPath, machine, forwarding, logging);
        try
        {
            await runtime.StartReplicasAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        runtime.watching = runtime.WatchAsync(runtime.stopping.Token);
        return runtime;
    }

    /// <summary>The folder of this node's replica of a range group.</summary>
    public string RangeFolder(string group) => Path.Combine(dataPath, "ranges", group);

    /// <summary>
    /// Starts a replica for every range of the map this node is a member of and does not run yet. A range born of a
    /// split waits until this node's replica of the range it split from has applied the split and made its store
    /// (the folder exists): started empty it would hold none of the keys it was given. A node that was down during the
    /// split and caught up on that range by a snapshot taken after it never applies the split, so never makes the
    /// folder: once no replica running here owns the new range's start any more (the split is in this node's state,
    /// see <see cref="SplitAppliedHere"/>) and still no folder exists, it starts its replica as a member on a
    /// checkpoint of another member's store. An admitted node that is not yet a member of a range (it joined) starts
    /// its replica as a joining member, on a checkpoint of a member's store too (<see cref="StartJoiningReplicaAsync"/>);
    /// the range's leader then adds it to the group.
    /// </summary>
    public async Task StartReplicasAsync(CancellationToken cancellationToken)
    {
        await starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var map = Meta.Current;
            Drives.Learn(map);
            await RetireReplicasAsync(map).ConfigureAwait(false);
            foreach (var range in map.Ranges.Where(r => !r.Members.Contains(Options.NodeId) && Joins(map, r)))
            {
                try
                {
                    await StartJoiningReplicaAsync(map, range, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    // Tried again on the next pass (the members may be starting, or the range splitting).
                    LogStartFailed(range, e);
                }
            }
            await TendMergedAsync(map, cancellationToken).ConfigureAwait(false);
            // In key order, so the range a split came from (on its left) is started before the range it made.
            foreach (var range in map.Ranges.Where(r => r.Members.Contains(Options.NodeId)))
            {
                var name = GroupName(range.GroupId);
                if (replicas.ContainsKey(name)) continue;
                if (range.GroupId != 1 && !Directory.Exists(RangeFolder(name)))
                {
                    if (!SplitAppliedHere(range)) continue;
                    try
                    {
                        // Read after the spans: a split's apply makes the folder before it narrows its range's span.
                        if (!Directory.Exists(RangeFolder(name)))
                        {
                            await FetchCheckpointAsync(map, range, cancellationToken).ConfigureAwait(false);
                            logging.CreateLogger<ClusterRuntime>().LogInformation(
                                "Range {Range}: this node passed its split by a snapshot; its replica starts on a checkpoint of a member's store", name);
                        }
                    }
                    catch (IOException e)
                    {
                        LogStartFailed(range, e);
                        continue;
                    }
                }
                var members = range.Members.Select(m => ClusterEndPoint(map.Node(m)!)).ToArray();
                replicas[name] = await RangeReplica.StartAsync(new RangeGroup(name, members), ClusterEndPoint(map.Node(Options.NodeId)!),
                    RangeFolder(name), machine, Options.Raft, forwarding, logging, Mux, Replica, cancellationToken).ConfigureAwait(false);
                Ranges.Changed();
            }
        }
        finally
        {
            starting.Release();
        }
    }

    /// <summary>
    /// The replicas of ranges merged into another (range folders the map no longer names): each runs until this node's
    /// replica of the range it merged into has taken its rows (some other replica here owns its start), then is stopped
    /// and its folder deleted. Started again after a restart, before the map's ranges: the replay of the range it merged
    /// into may reach the merge, whose apply reads it. Its members are those of the range now holding its start (a merge
    /// needs identical members).
    /// </summary>
    private async Task TendMergedAsync(ClusterMap map, CancellationToken cancellationToken)
    {
        var folders = Path.Combine(dataPath, "ranges");
        if (!Directory.Exists(folders)) return;
        var named = map.Ranges.Select(r => GroupName(r.GroupId)).ToHashSet(StringComparer.Ordinal);
        foreach (var folder in Directory.EnumerateDirectories(folders))
        {
            var name = Path.GetFileName(folder);
            if (named.Contains(name) || !name.StartsWith('g') || !long.TryParse(name.AsSpan(1), out _)) continue;
            Cairn.Index.Shards.ShardSpan span;
            if (replicas.TryGetValue(name, out var running)) span = running.Span;
            else
            {
                using var store = RangeStore.Open(folder);
                span = Cairn.Index.Shards.ShardSpan.Read(store.Current.Get);
            }
            if (replicas.Values.Any(r => r.Group.Id != name && r.Span.Contains(span.Start)))
            {
                if (replicas.TryRemove(name, out var merged))
                {
                    await merged.DisposeAsync().ConfigureAwait(false);
                    Ranges.Changed();
                }
                Directory.Delete(folder, recursive: true);
                logging.CreateLogger<ClusterRuntime>().LogInformation("Range {Range} was merged into its left neighbour here: its replica is deleted", name);
                continue;
            }
            if (running is not null || map.RangeAt(span.Start) is not { } holder || !holder.Members.Contains(Options.NodeId)) continue;
            var members = holder.Members.Select(m => ClusterEndPoint(map.Node(m)!)).ToArray();
            replicas[name] = await RangeReplica.StartAsync(new RangeGroup(name, members), ClusterEndPoint(map.Node(Options.NodeId)!),
                folder, machine, Options.Raft, forwarding, logging, Mux, Replica, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes a retired replica's folder; one that cannot be deleted now is tried again on the next pass.</summary>
    private void DeleteRetired(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException e)
        {
            logging.CreateLogger<ClusterRuntime>().LogWarning("Deleting {Folder}: {Reason}; trying again later", folder, e.Message);
        }
    }

    /// <summary>
    /// Whether the split that made <paramref name="range"/> is behind every replica running here, so no apply here is
    /// still to make its folder: none owns the range's start point. Just after a restart the range it split from (started before it, in key order) still owns
    /// the point until its replay reaches the split, whose apply makes the folder: wait. Once that range passed the split
    /// (applied, or installed a snapshot taken after it) it owns the point no more; spans only ever narrow. Should that
    /// range not run here (its own checkpoint could not be fetched yet), nothing here makes the folder meanwhile; started
    /// later on a checkpoint from before the split, its apply of the split finds the folder and only trims its own store.
    /// </summary>
    private bool SplitAppliedHere(RangeDescriptor range) => !replicas.Values.Any(r => r.Span.Contains(range.Start));

    /// <summary>Whether this node is the one <paramref name="range"/>'s leader adds next (<see cref="MembershipPlan"/>), and runs no replica of it yet.</summary>
    private bool Joins(ClusterMap map, RangeDescriptor range) => !replicas.ContainsKey(GroupName(range.GroupId)) && AddsThisNode(map, range);

    private bool AddsThisNode(ClusterMap map, RangeDescriptor range) => MembershipPlan.ForRange(map, range) is AddMember add && add.NodeId == Options.NodeId;

    /// <summary>
    /// Stops this node's replicas of ranges the map no longer gives it (the range's leader removed it: its node is leaving,
    /// or a replica moved for balance) and deletes their folders: a later addition starts again from a member's checkpoint.
    /// A replica this node is about to join (the plan adds it next) is kept.
    /// </summary>
    private async Task RetireReplicasAsync(ClusterMap map)
    {
        var ranges = Path.Combine(dataPath, "ranges");
        if (Directory.Exists(ranges))
            foreach (var left in Directory.EnumerateDirectories(ranges, "*.retired-*")) DeleteRetired(left);
        foreach (var range in map.Ranges.Where(r => !r.Members.Contains(Options.NodeId) && !AddsThisNode(map, r)))
        {
            var name = GroupName(range.GroupId);
            if (!replicas.TryRemove(name, out var replica)) continue;
            Ranges.Changed();
            // Requests already reading through this replica finish first; new ones go to the range's members.
            await Task.Delay(RetireGrace, stopping.Token).ConfigureAwait(false);
            await replica.DisposeAsync().ConfigureAwait(false);
            // Out of the way at once (one rename), then deleted: a folder half deleted would be opened as a broken store by
            // the next start of this range here, where a missing one is fetched afresh from a member.
            var retired = $"{RangeFolder(name)}.retired-{Guid.NewGuid():N}";
            Directory.Move(RangeFolder(name), retired);
            DeleteRetired(retired);
            logging.CreateLogger<ClusterRuntime>().LogInformation("Range {Range}: this node is no longer a member; its replica stopped and its folder deleted", name);
        }
    }

    /// <summary>
    /// A range born of a split started from a store made at the split, not from an empty one, so its log replayed
    /// onto an empty store would not give its state: the joining replica starts on a checkpoint of a member's store,
    /// with that store's applied index; the leader then sends the entries above it (the apply skips those at or below),
    /// or a snapshot if its log was cut. The replica is outside the group (frozen) until the leader adds it.
    /// </summary>
    private async Task StartJoiningReplicaAsync(ClusterMap map, RangeDescriptor range, CancellationToken cancellationToken)
    {
        var name = GroupName(range.GroupId);
        var folder = RangeFolder(name);
        if (!Directory.Exists(folder)) await FetchCheckpointAsync(map, range, cancellationToken).ConfigureAwait(false);
        var self = ClusterEndPoint(map.Node(Options.NodeId)!);
        var members = range.Members.Select(m => ClusterEndPoint(map.Node(m)!)).Append(self).ToArray();
        replicas[name] = await RangeReplica.StartAsync(new RangeGroup(name, members) { Joining = true }, self,
            folder, machine, Options.Raft, forwarding, logging, Mux, Replica, cancellationToken).ConfigureAwait(false);
        Ranges.Changed();
    }

    /// <summary>
    /// Makes this node's folder of <paramref name="range"/> from a checkpoint of another member's store: from the first
    /// that gives one, members on up nodes first. The checkpoint carries its applied index, so the replica started on it
    /// takes from the leader only the entries above it (or a snapshot, if the leader's log was cut).
    /// </summary>
    /// <exception cref="IOException">No member gave one (they may be starting, or the range splitting).</exception>
    private async Task FetchCheckpointAsync(ClusterMap map, RangeDescriptor range, CancellationToken cancellationToken)
    {
        var name = GroupName(range.GroupId);
        var folder = RangeFolder(name);
        Exception? failed = null;
        foreach (var member in range.Members.Where(m => m != Options.NodeId).Select(m => map.Node(m)!).OrderBy(n => n.State == NodeState.Up ? 0 : 1))
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
                await RangeGroupEndpoints.FetchCheckpointAsync(Http, ClusterBase(member), name, folder, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                failed = e;
            }
        }
        throw new IOException($"No member of {name} gave a checkpoint of its store: {failed?.Message ?? "it has no other member"}", failed);
    }

    private void LogStartFailed(RangeDescriptor range, IOException e) =>
        logging.CreateLogger<ClusterRuntime>().LogWarning("Starting range {Range}: {Reason}", GroupName(range.GroupId), e.Message);

    /// <summary>On every change of the map, and a few times a second for a split's store to appear, starts what is missing.</summary>
    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var log = logging.CreateLogger<ClusterRuntime>();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var changed = Meta.WatchAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
                await using var _ = changed.ConfigureAwait(false);
                var next = changed.MoveNextAsync().AsTask();
                while (true)
                {
                    await StartReplicasAsync(cancellationToken).ConfigureAwait(false);
                    if (await Task.WhenAny(next, Task.Delay(200, cancellationToken)).ConfigureAwait(false) == next)
                    {
                        if (!await next.ConfigureAwait(false)) break;
                        Ranges.Changed();
                        next = changed.MoveNextAsync().AsTask();
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Starting range replicas failed; trying again");
                await Task.Delay(1000, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static Uri ClusterBase(ClusterNode node) => new($"http://{node.ClusterAddress}/");

    public static IPEndPoint ClusterEndPoint(ClusterNode node) => NodeHost.ParseEndpoint(node.ClusterAddress);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        if (watching is not null)
        {
            try
            {
                await watching.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        await starting.WaitAsync().ConfigureAwait(false);
        foreach (var replica in replicas.Values) await replica.DisposeAsync().ConfigureAwait(false);
        await Meta.DisposeAsync().ConfigureAwait(false);
        Mux.Dispose();
    }
}
