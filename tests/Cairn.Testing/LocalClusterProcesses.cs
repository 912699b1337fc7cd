using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Amazon.S3;

namespace Cairn.Testing;

/// <summary>One node of a test cluster: a real `cairn server` process with its id and cluster port.</summary>
public sealed record ClusterNodeProcess(string Id, int ClusterPort, ServerProcess Server)
{
    public string ClusterAddress => $"127.0.0.1:{ClusterPort}";
}

/// <summary>
/// A cluster of real `cairn server` processes on 127.0.0.1, each with its own data folder, S3 port and cluster
/// port, bootstrapped together with the same join list and cluster secret. Nodes can be killed (SIGKILL) and
/// started again on the same folder and ports.
/// </summary>
public sealed class LocalClusterProcesses : IAsyncDisposable
{
    public const string Secret = "cairn-test-cluster-secret-0123456789";

    private readonly List<ClusterNodeProcess> nodes;
    private readonly string root;
    private readonly string[] serverArguments;
    private readonly int bootstrapping;

    private LocalClusterProcesses(List<ClusterNodeProcess> nodes, string root, string[] serverArguments)
    {
        this.nodes = nodes;
        bootstrapping = nodes.Count;
        this.root = root;
        this.serverArguments = serverArguments;
    }

    /// <summary>The bootstrapping nodes, then each node launched to join.</summary>
    public IReadOnlyList<ClusterNodeProcess> Nodes => nodes;

    public ClusterNodeProcess this[string id] => Nodes.Single(n => n.Id == id);

    public IEnumerable<ClusterNodeProcess> Running => Nodes.Where(n => n.Server.IsRunning);

    /// <param name="failureDomain">zone/rack of node i (from 1); default zone1/rack1 for all.</param>
    /// <param name="drivesPerNode">Drives per node, each a folder under the node's data folder.</param>
    /// <param name="clusterAddresses">The nodes' cluster addresses (n1…, from <see cref="ReserveClusterAddresses"/>), when the
    /// caller needs them before the nodes start (e.g. to put a proxy mesh between them); reserved here otherwise.</param>
    /// <param name="nodeArguments">More server arguments for one node, by id (e.g. its own --route-peer).</param>
    /// <param name="tls">A CA that issues each node its own certificate: S3 and the cluster port over TLS, peers verified against it.</param>
    public static async Task<LocalClusterProcesses> StartAsync(int count, string[]? serverArguments = null, Func<int, string>? failureDomain = null,
        int drivesPerNode = 1, IReadOnlyDictionary<string, IPEndPoint>? clusterAddresses = null, Func<string, string[]>? nodeArguments = null,
        TestCertificateAuthority? tls = null)
    {
        if (clusterAddresses is not null && clusterAddresses.Count != count)
            throw new ArgumentException($"{clusterAddresses.Count} cluster addresses for {count} nodes.", nameof(clusterAddresses));
        var clusterPorts = clusterAddresses is null ? ClusterPorts(count) : Enumerable.Range(1, count).Select(i => clusterAddresses[$"n{i}"].Port).ToArray();
        var join = string.Join(',', clusterPorts.Select(p => $"127.0.0.1:{p}"));
        var root = Path.Combine(Path.GetTempPath(), "cairn-cluster-" + Guid.NewGuid().ToString("N")[..10]);
        var nodes = new List<ClusterNodeProcess>();
        for (var i = 1; i <= count; i++)
        {
            var data = Path.Combine(root, $"n{i}");
            var drives = string.Join(',', Enumerable.Range(0, drivesPerNode).Select(d => Path.Combine(data, "drives", $"d{d}")));
            string[] arguments =
            [
                "--node-id", $"n{i}", "--cluster-address", $"127.0.0.1:{clusterPorts[i - 1]}", "--join", join,
                "--failure-domain", failureDomain?.Invoke(i) ?? "zone1/rack1", "--drives", drives, .. serverArguments ?? [],
                .. nodeArguments?.Invoke($"n{i}") ?? [],
            ];
            var server = ServerProcess.Create(data, ServerProcess.FreePort(), arguments, new Dictionary<string, string> { ["CAIRN_CLUSTER_SECRET"] = Secret });
            if (tls is not null) server.UseTls(tls, tls.Issue(commonName: $"n{i}"));
            nodes.Add(new ClusterNodeProcess($"n{i}", clusterPorts[i - 1], server));
        }
        var cluster = new LocalClusterProcesses(nodes, root, serverArguments ?? []);
        try
        {
            foreach (var node in nodes) node.Server.Launch();
            // The first node to fail (e.g. refusing its configuration) fails the start at once.
            var waits = nodes.Select(n => n.Server.WaitReadyAsync(TimeSpan.FromSeconds(120))).ToList();
            while (waits.Count > 0)
            {
                var done = await Task.WhenAny(waits);
                await done;
                waits.Remove(done);
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>
    /// A node, not launched yet and not one of <see cref="Nodes"/> (the caller disposes it), that joins this running cluster:
    /// its join list names the bootstrapping nodes and not itself. Its own folder, S3 port and cluster port.
    /// </summary>
    /// <param name="environment">More environment variables of its process (e.g. a test-only override).</param>
    public ClusterNodeProcess Joining(string id, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = ClusterPorts(1)[0];
        var data = Path.Combine(root, id + "-" + Guid.NewGuid().ToString("N")[..6]);
        string[] arguments =
        [
            "--node-id", id, "--cluster-address", $"127.0.0.1:{port}", "--join", string.Join(',', nodes.Take(bootstrapping).Select(n => n.ClusterAddress)),
            "--drives", Path.Combine(data, "drives", "d0"), .. serverArguments,
        ];
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["CAIRN_CLUSTER_SECRET"] = Secret };
        return new ClusterNodeProcess(id, port, ServerProcess.Create(data, ServerProcess.FreePort(), arguments, variables));
    }

    /// <summary>Launches a node that joins this running cluster (<see cref="Joining"/>) and counts it among <see cref="Nodes"/>; it is not ready until admitted.</summary>
    public ClusterNodeProcess LaunchJoining(string id)
    {
        var node = Joining(id);
        nodes.Add(node);
        node.Server.Launch();
        return node;
    }

    /// <summary>`cairn admin cluster --json` answered by one node.</summary>
    public Task<JsonElement> StatusAsync(ClusterNodeProcess via) => via.Server.AdminAsync("cluster");

    /// <summary>The node every running node names as the leader of the first range, once they agree.</summary>
    public async Task<ClusterNodeProcess> LeaderAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var named = new HashSet<string?>();
            foreach (var node in Running.ToArray())
            {
                try
                {
                    var status = await StatusAsync(node);
                    named.Add(status.GetProperty("ranges")[0].TryGetProperty("leader", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null);
                }
                catch (InvalidOperationException)
                {
                    named.Add(null);
                }
            }
            if (named.Count == 1 && named.Single() is { } leader && this[leader].Server.IsRunning) return this[leader];
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The running nodes do not agree on a leader: {string.Join(",", named)}.");
            await Task.Delay(200);
        }
    }

    public AmazonS3Client Client(ClusterNodeProcess node, Action<AmazonS3Config>? configure = null) => node.Server.Client(configure);

    public string Logs() => string.Join("\n", Nodes.Select(n => $"--- {n.Id} ---\n{n.Server.Log}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) node.Server.Kill();
        foreach (var node in Nodes) await node.Server.DisposeAsync();
    }

    /// <summary>
    /// Cluster addresses for the nodes n1…n<paramref name="count"/> of a cluster to start (<see cref="StartAsync"/>), free now,
    /// chosen as the cluster's own are.
    /// </summary>
    public static IReadOnlyDictionary<string, IPEndPoint> ReserveClusterAddresses(int count) =>
        ClusterPorts(count).Select((port, i) => (Id: $"n{i + 1}", Address: new IPEndPoint(IPAddress.Loopback, port))).ToDictionary(n => n.Id, n => n.Address);

    /// <summary>Cluster ports (Raft shares them) below the ephemeral range, so no outgoing connection takes one before its node binds it.</summary>
    private static int[] ClusterPorts(int count)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var first = 20_000 + Random.Shared.Next(0, 550) * 20;
            var ports = Enumerable.Range(first, count).ToArray();
            if (ports.All(IsFree)) return ports;
        }
        throw new InvalidOperationException("No free cluster ports found.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
