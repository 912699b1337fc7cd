using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Cairn.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Cluster;

/// <summary>
/// How a node comes to know the cluster map. The first start of a cluster's nodes is a rendezvous: each
/// serves its <see cref="NodeDescription"/> on its cluster port and asks every other node of the join list
/// for theirs until all have answered; then each applies the same Bootstrap and AddDrive commands to an
/// empty map (command time fixed, so every node computes the same bytes) and keeps the result in
/// <c>cluster/map.json</c> under its data folder. A later start reads that file and needs no peer.
/// </summary>
public static partial class ClusterBootstrap
{
    /// <summary>The time bootstrap commands carry: fixed, so every node's map is byte-identical.</summary>
    private static readonly DateTimeOffset BootstrapTime = DateTimeOffset.UnixEpoch;

    public static string MapFile(string dataPath) => Path.Combine(dataPath, "cluster", "map.json");

    public static async Task<ClusterMap> EstablishAsync(ClusterOptions options, NodeDescription self, string dataPath, HttpClient cluster,
        ILogger log, CancellationToken cancellationToken)
    {
        var file = MapFile(dataPath);
        if (File.Exists(file))
        {
            var known = MetaCodec.DecodeMap(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false));
            if (known.Node(options.NodeId) is null) throw new ArgumentException($"{file} is the map of a cluster without node {options.NodeId}.");
            return known;
        }

        await using var rendezvous = await ServeDescriptionAsync(options, self, cancellationToken).ConfigureAwait(false);
        var descriptions = await CollectAsync(options, self, cluster, log, cancellationToken).ConfigureAwait(false);
        var map = Bootstrap(descriptions);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var temporary = file + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            await stream.WriteAsync(MetaCodec.Encode(map), cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, file, overwrite: true);
        return map;
    }

    /// <summary>The map every node of the rendezvous computes from the same descriptions.</summary>
    public static ClusterMap Bootstrap(IReadOnlyList<NodeDescription> descriptions)
    {
        var nodes = descriptions.OrderBy(d => d.Id, StringComparer.Ordinal).ToArray();
        // Every bootstrapping node (up to five) replicates the first range: a node serves reads from its own replica.
        var map = MetaStateMachine.Apply(ClusterMap.Empty, new Bootstrap(
            nodes.Select(d => new NodeSpec(d.Id, d.S3Address, d.ClusterAddress, d.Domain)).ToArray(), Math.Min(nodes.Length, 5)) { At = BootstrapTime });
        foreach (var node in nodes)
            foreach (var drive in node.Drives)
                map = MetaStateMachine.Apply(map, new AddDrive(drive.Id, node.Id, drive.Domain, drive.Weight, drive.Tier) { At = BootstrapTime });
        return map;
    }

    /// <summary>A small listener on the cluster port that answers only the description route, until the node proper starts.</summary>
    private static async Task<WebApplication> ServeDescriptionAsync(ClusterOptions options, NodeDescription self, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(NodeHost.ParseEndpoint(options.ClusterAddress), l => l.UseClusterProtocol()));
        var app = builder.Build();
        app.MapDescription(self, options.Secret);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }

    public static void MapDescription(this Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints, NodeDescription self, ClusterSecret secret) =>
        endpoints.MapGet(NodeDescription.Route, () => Results.Bytes(self.Encode(), "application/json")).RequireClusterSecret(secret);

    private static async Task<IReadOnlyList<NodeDescription>> CollectAsync(ClusterOptions options, NodeDescription self, HttpClient cluster,
        ILogger log, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, NodeDescription>(StringComparer.Ordinal) { [options.ClusterAddress] = self };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.BootstrapTimeout);
        var waiting = DateTimeOffset.UtcNow;
        while (true)
        {
            foreach (var peer in options.Join.Where(p => !found.ContainsKey(p)))
            {
                try
                {
                    using var attempt = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                    attempt.CancelAfter(TimeSpan.FromSeconds(2));
                    var bytes = await cluster.GetByteArrayAsync(new Uri($"http://{peer}{NodeDescription.Route}"), attempt.Token).ConfigureAwait(false);
                    var description = NodeDescription.Decode(bytes);
                    if (!description.Join.Order(StringComparer.Ordinal).SequenceEqual(options.Join.Order(StringComparer.Ordinal)))
                        throw new ArgumentException(
                            $"Node {description.Id} at {peer} was started with --join {string.Join(',', description.Join)}, this one with {string.Join(',', options.Join)}: they must be the same.");
                    found[peer] = description;
                }
                catch (Exception e) when (e is HttpRequestException || e is OperationCanceledException && !deadline.IsCancellationRequested)
                {
                    // Not up yet: asked again below.
                }
            }
            if (found.Count == options.Join.Count) break;
            if (DateTimeOffset.UtcNow - waiting > TimeSpan.FromSeconds(10))
            {
                LogWaiting(log, string.Join(',', options.Join.Where(p => !found.ContainsKey(p))));
                waiting = DateTimeOffset.UtcNow;
            }
            try
            {
                await Task.Delay(200, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Bootstrap: {string.Join(',', options.Join.Where(p => !found.ContainsKey(p)))} did not answer within {options.BootstrapTimeout}.");
            }
        }
        var ids = found.Values.GroupBy(d => d.Id).FirstOrDefault(g => g.Count() > 1);
        if (ids is not null) throw new ArgumentException($"Two nodes of the join list are both named {ids.Key}.");
        return found.Values.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap: waiting for {Peers} to answer")]
    private static partial void LogWaiting(ILogger log, string peers);
}
