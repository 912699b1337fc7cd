using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Net;
using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Cairn.Consensus;
using Cairn.Consensus.Meta;
using Cairn.Transport;
using Cairn.Transport.Raft;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Cluster;

/// <summary>
/// How a node comes to hold the cluster map. The nodes of the join list form the meta group (Raft over their
/// cluster ports), which holds the map. On a cluster's first start each node serves its
/// <see cref="NodeDescription"/> and collects every other node's; then each proposes the same Bootstrap and
/// AddDrive commands under the same request ids, so the meta group applies each once, whoever is first. A
/// later start only rejoins the meta group and reads the map. Until the node proper listens, a small listener
/// on the cluster port serves the description, the meta group's forwarded commands and Raft.
/// </summary>
public static partial class ClusterBootstrap
{
    public const string MetaGroup = "meta";

    public static async Task<(MetaReplica Meta, ClusterMap Map)> EstablishAsync(ClusterOptions options, NodeDescription self, string dataPath,
        HttpClient cluster, RaftMux mux, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        var log = logging.CreateLogger("Cairn.Cluster");
        var folder = Path.Combine(dataPath, "meta");
        var firstStart = !Directory.Exists(folder);
        // A first start meets its peers' wire in the rendezvous or the join request; a later one asks them while its meta
        // member starts, and stops before it reads the map if they refuse it.
        var wireChecked = firstStart ? Task.CompletedTask : CheckWireAsync(options, cluster, cancellationToken);
        return options.Bootstraps
            ? await BootstrapAsync(options, self, cluster, mux, folder, firstStart, wireChecked, log, logging, cancellationToken).ConfigureAwait(false)
            : await JoinAsync(options, self, dataPath, cluster, mux, wireChecked, logging, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A drive this node was started with that the map does not have yet (a disk added to the node, its path appended to
    /// <c>--drives</c>) is added to the map: placement uses it at once and the fragment mover rebalances onto it. Runs while
    /// the phase-1 listener serves the cluster port: this member must receive the entry it waits to apply.
    /// </summary>
    private static async Task<ClusterMap> AddNewDrivesAsync(MetaReplica meta, ClusterOptions options, NodeDescription self, ClusterMap map,
        CancellationToken cancellationToken)
    {
        foreach (var drive in self.Drives.Where(d => map.Drive(d.Id) is null))
            await ProposeAsync(meta, new AddDrive(drive.Id, self.Id, drive.Domain, drive.Weight, drive.Tier)
                { At = options.Time.GetUtcNow(), RequestId = $"add/{self.Id}/drive/{drive.Id}" }, cancellationToken).ConfigureAwait(false);
        return meta.Current;
    }

    private static Task<(MetaReplica Meta, ClusterMap Map)> BootstrapAsync(ClusterOptions options, NodeDescription self, HttpClient cluster, RaftMux mux,
        string folder, bool firstStart, Task wireChecked, ILogger log, ILoggerFactory logging, CancellationToken cancellationToken) =>
        WhileServingAsync(options, self, mux, async meta =>
        {
            var members = options.Join.Select(NodeHost.ParseEndpoint).ToArray();
            var forwarding = new RangeForwarding(cluster, members.ToDictionary(m => (EndPoint)m, m => new Uri($"http://{m}/")));
            var started = meta.Value = await MetaReplica.StartAsync(new RangeGroup(MetaGroup, members), NodeHost.ParseEndpoint(options.ClusterAddress), folder,
                options.Raft, forwarding, logging, mux, cancellationToken, options.NodeId).ConfigureAwait(false);
            await wireChecked.ConfigureAwait(false);
            if (firstStart)
            {
                var descriptions = await CollectAsync(options, self, cluster, log, cancellationToken).ConfigureAwait(false);
                foreach (var command in BootstrapCommands(descriptions, options.Time.GetUtcNow(), options.DownAfter, options.RangeReplicas))
                    await ProposeAsync(started, command, cancellationToken).ConfigureAwait(false);
            }
            var map = await ReadBootstrappedAsync(started, options, cancellationToken).ConfigureAwait(false);
            if (map.Node(options.NodeId) is null) throw new ArgumentException($"The cluster map has no node {options.NodeId}: was this data folder another node's?");
            return await AddNewDrivesAsync(started, options, self, map, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="establish"/> while the phase-1 listener serves the cluster port (the description, the meta
    /// group's forwarded commands, Raft); the meta member it starts (put in the box, which the listener serves) is
    /// disposed if it fails. The listener stops either way: the node proper serves the port next.
    /// </summary>
    private static async Task<(MetaReplica Meta, ClusterMap Map)> WhileServingAsync(ClusterOptions options, NodeDescription self, RaftMux mux,
        Func<StrongBox<MetaReplica?>, Task<ClusterMap>> establish, CancellationToken cancellationToken)
    {
        var meta = new StrongBox<MetaReplica?>();
        var rendezvous = await ServeAsync(options, self, mux, () => meta.Value, cancellationToken).ConfigureAwait(false);
        try
        {
            var map = await establish(meta).ConfigureAwait(false);
            return (meta.Value ?? throw new InvalidOperationException("No meta member was started."), map);
        }
        catch
        {
            if (meta.Value is not null) await meta.Value.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            await rendezvous.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await rendezvous.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A node that joins a running cluster: on its first start it asks a node of its join list to add it to the map
    /// (<see cref="ClusterJoin"/>; a refusal stops it before it writes anything). Its meta member starts outside the
    /// group (frozen) and waits, the node in state joining, until an operator admits it and the meta leader adds it;
    /// meanwhile the node logs, now and then, the command that admits it. A later start only rejoins the meta group,
    /// whose members it takes from the map of its latest snapshot (the join list before there is one).
    /// </summary>
    private static async Task<(MetaReplica Meta, ClusterMap Map)> JoinAsync(ClusterOptions options, NodeDescription self, string dataPath,
        HttpClient cluster, RaftMux mux, Task wireChecked, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        var log = logging.CreateLogger("Cairn.Cluster");
        var folder = Path.Combine(dataPath, "meta");
        return await WhileServingAsync(options, self, mux, async meta =>
        {
            if (!Directory.Exists(folder)) await ClusterJoin.RequestAsync(options, self, cluster, log, cancellationToken).ConfigureAwait(false);
            var known = MetaReplica.SnapshotMap(folder);
            // The group as the map records it, with this node added until the map has it too (see RangeGroup.Joining).
            var own = NodeHost.ParseEndpoint(options.ClusterAddress);
            var recorded = known.MetaMembers.Count > 0
                ? known.MetaMembers.Select(m => NodeHost.ParseEndpoint(known.Node(m)!.ClusterAddress))
                : options.Join.Select(NodeHost.ParseEndpoint);
            var members = recorded.Append(own).Distinct().ToArray();
            var addresses = members.Concat(options.Join.Select(NodeHost.ParseEndpoint)).Concat(known.Nodes.Select(n => NodeHost.ParseEndpoint(n.ClusterAddress))).Distinct()
                .ToDictionary(m => (EndPoint)m, m => new Uri($"http://{m}/"));
            var started = meta.Value = await MetaReplica.StartAsync(new RangeGroup(MetaGroup, members) { Joining = !known.MetaMembers.Contains(options.NodeId) },
                own, folder, options.Raft, new RangeForwarding(cluster, addresses), logging, mux, cancellationToken, options.NodeId).ConfigureAwait(false);
            await wireChecked.ConfigureAwait(false);
            await WaitForAdmissionAsync(started, options, log, cancellationToken).ConfigureAwait(false);
            var map = await ReadBootstrappedAsync(started, options, cancellationToken).ConfigureAwait(false);
            return await AddNewDrivesAsync(started, options, self, map, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Until this node's meta member holds a map where the node is admitted and, unless the meta group is full, a member
    /// of it (the meta leader adds it once the operator admitted it, and its log then reaches this member), says what the
    /// operator must run. A node beyond the group's five members follows the map through them (<see cref="MetaReplica.Following"/>).
    /// </summary>
    private static async Task WaitForAdmissionAsync(MetaReplica meta, ClusterOptions options, ILogger log, CancellationToken cancellationToken)
    {
        long? reminded = null;
        while (meta.Current is var map && !(map.Node(options.NodeId) is { State: not NodeState.Joining }
                   && (map.MetaMembers.Contains(options.NodeId) || MembershipPlan.ForMeta(map) is not AddMember { NodeId: var next } || next != options.NodeId)))
        {
            if (reminded is not { } last || Stopwatch.GetElapsedTime(last) >= options.AdmitReminderInterval)
            {
                LogWaitingForAdmission(log, options.NodeId, ClusterJoin.AdmitCommand(options.NodeId));
                reminded = Stopwatch.GetTimestamp();
            }
            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The commands that make the first map: <paramref name="rangeReplicas"/> of the bootstrapping nodes, spread over
    /// failure domains, replicate the first range; then each drive. Their request ids are fixed, so the same commands
    /// proposed by every node apply once.
    /// </summary>
    public static IEnumerable<MetaCommand> BootstrapCommands(IReadOnlyList<NodeDescription> descriptions, DateTimeOffset at, TimeSpan downAfter, int rangeReplicas)
    {
        var nodes = descriptions.OrderBy(d => d.Id, StringComparer.Ordinal).ToArray();
        yield return new Bootstrap(nodes.Select(d => new NodeSpec(d.Id, d.S3Address, d.ClusterAddress, d.Domain)).ToArray(), rangeReplicas, downAfter)
            { At = at, RequestId = "bootstrap" };
        foreach (var node in nodes)
            foreach (var drive in node.Drives)
                yield return new AddDrive(drive.Id, node.Id, drive.Domain, drive.Weight, drive.Tier) { At = at, RequestId = $"bootstrap/drive/{drive.Id}" };
    }

    /// <summary>
    /// A bootstrap command, proposed until the group answers. "Already bootstrapped" or "drive exists" means
    /// another node's identical proposal won, under another id (one the dedupe window forgot): that is success.
    /// </summary>
    private static async Task ProposeAsync(MetaReplica meta, MetaCommand command, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await meta.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (MetaCommandException e) when (e.Error is MetaError.AlreadyBootstrapped or MetaError.DriveExists)
            {
                return;
            }
            catch (Exception e) when (e is CommandOutcomeUnknownException or TimeoutException)
            {
                // No leader yet (the others are still starting): the same request id again.
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<ClusterMap> ReadBootstrappedAsync(MetaReplica meta, ClusterOptions options, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.BootstrapTimeout);
        while (true)
        {
            try
            {
                var map = await meta.ReadAsync(deadline.Token).ConfigureAwait(false);
                if (map.Bootstrapped) return map;
            }
            catch (Exception e) when (e is GroupUnavailableException or TimeoutException && !deadline.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The meta group ({string.Join(',', options.Join)}) held no bootstrapped map within {options.BootstrapTimeout}.");
            }
            await Task.Delay(200, deadline.Token).ConfigureAwait(false);
        }
    }

    /// <summary>A small listener on the cluster port until the node proper starts: the description, Raft, the meta group's forwarded commands.</summary>
    private static async Task<WebApplication> ServeAsync(ClusterOptions options, NodeDescription self, RaftMux mux, Func<MetaReplica?> meta,
        CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(NodeHost.ParseEndpoint(options.ClusterAddress), l =>
        {
            l.UseClusterProtocol(options.Transport.Tls);
            mux.ConfigureListener(l);
        }));
        var app = builder.Build();
        app.UseClusterWire(mux.Wire);
        app.MapDescription(self, options.Secret);
        app.MapMetaGroup(meta, options.Secret);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }

    /// <summary>How long a node refused by a bootstrapping peer keeps its own listener (and so its refusal) up before it exits.</summary>
    private static readonly TimeSpan RefusalLinger = TimeSpan.FromSeconds(3);

    /// <summary>
    /// A node starting again (its meta folder exists) asks the nodes of its join list for their description: when every
    /// one that answers refuses its wire version (an upgrade that skipped a release, or a test playing one), it stops at
    /// start with their reason instead of running cut off (its peers would mark it down and repair its data away).
    /// One refusing among others that accept is left to the running node: it logs that peer's refusal, once. Peers
    /// that do not answer within 2 s (down, starting) count for nothing.
    /// </summary>
    private static async Task CheckWireAsync(ClusterOptions options, HttpClient cluster, CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(options.Join.Where(p => p != options.ClusterAddress).Select(async peer =>
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                using var response = await cluster.GetAsync(new Uri($"http://{peer}{NodeDescription.Route}"), attempt.Token).ConfigureAwait(false);
                return (Peer: peer, Answered: true, Refusal: (string?)null);
            }
            catch (WireVersionRefusedException e)
            {
                return (Peer: peer, Answered: true, Refusal: e.Reason);
            }
            catch (Exception e) when (e is HttpRequestException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return (Peer: peer, Answered: false, Refusal: (string?)null);
            }
        })).ConfigureAwait(false);
        if (answers.Any(a => a.Answered) && answers.Where(a => a.Answered).All(a => a.Refusal is not null))
        {
            var first = answers.First(a => a.Refusal is not null);
            throw new WireVersionMismatch($"The cluster refuses node {options.NodeId}: the node at {first.Peer} says {first.Refusal}");
        }
    }

    public static void MapDescription(this IEndpointRouteBuilder endpoints, NodeDescription self, ClusterSecret secret) =>
        endpoints.MapGet(NodeDescription.Route, () => Results.Bytes(self.Encode(), "application/json")).RequireClusterSecret(secret);

    private static async Task<IReadOnlyList<NodeDescription>> CollectAsync(ClusterOptions options, NodeDescription self, HttpClient cluster,
        ILogger log, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, NodeDescription>(StringComparer.Ordinal) { [options.ClusterAddress] = self };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.BootstrapTimeout);
        var waiting = Stopwatch.GetTimestamp();
        while (true)
        {
            foreach (var peer in options.Join.Where(p => !found.ContainsKey(p)))
            {
                try
                {
                    using var attempt = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                    attempt.CancelAfter(TimeSpan.FromSeconds(2));
                    byte[] bytes;
                    try
                    {
                        bytes = await cluster.GetByteArrayAsync(new Uri($"http://{peer}{NodeDescription.Route}"), attempt.Token).ConfigureAwait(false);
                    }
                    catch (WireVersionRefusedException e)
                    {
                        // The peers ask each other: this node keeps its listener (and its own refusal of the peer) up a
                        // moment longer, so the peer hears it too rather than waiting for a node that went away.
                        await Task.Delay(RefusalLinger, CancellationToken.None).ConfigureAwait(false);
                        throw new WireVersionMismatch($"Bootstrap: the node at {peer} refuses this node ({self.Id}): {e.Reason}");
                    }
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
            if (Stopwatch.GetElapsedTime(waiting) > TimeSpan.FromSeconds(10))
            {
                LogWaiting(log, string.Join(',', options.Join.Where(p => !found.ContainsKey(p))));
                waiting = Stopwatch.GetTimestamp();
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} is joining the cluster and waits to be admitted: an operator must run `{Command}` (against the S3 port of any node, with the root credentials)")]
    private static partial void LogWaitingForAdmission(ILogger log, string node, string command);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap: waiting for {Peers} to answer")]
    private static partial void LogWaiting(ILogger log, string peers);
}

/// <summary>
/// This node and the cluster it starts with cannot talk (<see cref="WireVersion"/>): it stops at start, before it joins
/// anything, with the peer's reason (one line on stderr, exit code 1).
/// </summary>
public sealed class WireVersionMismatch(string message) : ArgumentException(message);
