using System.Net;
using Cairn.Cluster.Map;
using Cairn.Consensus;
using Cairn.Consensus.Meta;
using Cairn.Data.Drives;
using Cairn.Data.Drives.Remote;
using Cairn.Index.Apply;
using Cairn.Transport;
using Cairn.Transport.Raft;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Cluster;

/// <summary>
/// The cluster half of a node: the map it was bootstrapped with, the cluster client, every drive of the
/// cluster (this node's local drives, the others' as <see cref="RemoteFragmentStore"/>s) and the replicas of the
/// range groups this node is a member of. Disposing it stops the replicas.
/// </summary>
public sealed class ClusterRuntime : IAsyncDisposable
{
    private readonly Dictionary<string, RangeReplica> replicas;

    private ClusterRuntime(ClusterOptions options, MetaReplica meta, HttpClient http, IReadOnlyDictionary<string, IFragmentStore> localDrives,
        IReadOnlyDictionary<string, IFragmentStore> drives, Dictionary<string, RangeReplica> replicas, RaftMux mux)
    {
        Mux = mux;
        Options = options;
        Meta = meta;
        Http = http;
        LocalDrives = localDrives;
        Drives = drives;
        this.replicas = replicas;
    }

    public ClusterOptions Options { get; }

    /// <summary>Raft's share of the cluster port: install it on the cluster listener.</summary>
    public RaftMux Mux { get; }
    /// <summary>This node's member of the meta group, which holds the cluster map.</summary>
    public MetaReplica Meta { get; }

    /// <summary>The cluster map as this node's meta replica has applied it (node states change as heartbeats and mark-downs apply).</summary>
    public ClusterMap Map => Meta.Current;
    public HttpClient Http { get; }
    public IReadOnlyDictionary<string, IFragmentStore> LocalDrives { get; }
    public IReadOnlyDictionary<string, IFragmentStore> Drives { get; }
    public IReadOnlyCollection<RangeReplica> Replicas => replicas.Values;

    /// <summary>This node's replica of the range that holds every key (the only range until splits are wired).</summary>
    public RangeReplica IndexReplica => replicas.Values.Single();

    /// <summary>The member of a range group in this process, for forwarded commands; null when this node is not a member.</summary>
    public RangeReplica? Replica(string group) => replicas.GetValueOrDefault(group);

    public static string GroupName(long groupId) => $"g{groupId}";

    /// <summary>Starts this node's range replicas and reaches the other nodes' drives, from the map the meta group holds.</summary>
    public static async Task<ClusterRuntime> StartAsync(ClusterOptions options, MetaReplica meta, RaftMux mux, string dataPath,
        IReadOnlyDictionary<string, IFragmentStore> localDrives, ShardStateMachine machine, HttpClient http, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        var map = meta.Current;
        var drives = new Dictionary<string, IFragmentStore>(localDrives, StringComparer.Ordinal);
        foreach (var drive in map.Drives.Where(d => d.NodeId != options.NodeId))
            drives[drive.Id] = new RemoteFragmentStore(drive.Id, ClusterBase(map.Node(drive.NodeId)!), http);

        // Raft runs over each node's cluster port (every group shares it): a member's address is its node's cluster address.
        var clusterPorts = map.Nodes.ToDictionary(n => (EndPoint)ClusterEndPoint(n), ClusterBase);
        var forwarding = new RangeForwarding(http, clusterPorts);
        var replicas = new Dictionary<string, RangeReplica>(StringComparer.Ordinal);
        try
        {
            foreach (var range in map.Ranges.Where(r => r.Members.Contains(options.NodeId)))
            {
                var name = GroupName(range.GroupId);
                var members = range.Members.Select(m => ClusterEndPoint(map.Node(m)!)).ToArray();
                replicas[name] = await RangeReplica.StartAsync(new RangeGroup(name, members), ClusterEndPoint(map.Node(options.NodeId)!),
                    Path.Combine(dataPath, "ranges", name), machine, options.Raft, forwarding, logging, mux, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            foreach (var replica in replicas.Values) await replica.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new ClusterRuntime(options, meta, http, localDrives, drives, replicas, mux);
    }

    public static Uri ClusterBase(ClusterNode node) => new($"http://{node.ClusterAddress}/");

    public static IPEndPoint ClusterEndPoint(ClusterNode node) => NodeHost.ParseEndpoint(node.ClusterAddress);

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in replicas.Values) await replica.DisposeAsync().ConfigureAwait(false);
        await Meta.DisposeAsync().ConfigureAwait(false);
        Mux.Dispose();
    }
}
