using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Cairn.Checking.Campaign.Network;
using Cairn.Checking.Workload;

namespace Cairn.Checking.Campaign;

/// <summary>
/// The campaign's cluster: <see cref="CampaignSettings.Nodes"/> <c>cairn server</c> processes bootstrapping together on
/// this machine, each with two drives, an erasure code of one fragment per node, a short down-after and GC grace (so
/// repair and GC happen within a campaign), and whatever the settings add.
/// </summary>
public sealed class CampaignCluster : IAsyncDisposable
{
    private readonly CampaignSettings settings;
    private readonly HttpClient http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };

    private CampaignCluster(CampaignSettings settings, IReadOnlyList<CampaignNode> nodes, ProxyMesh network)
    {
        this.settings = settings;
        Nodes = nodes;
        Network = network;
    }

    public IReadOnlyList<CampaignNode> Nodes { get; }

    /// <summary>Every byte between two nodes crosses it (each node dials its peers through it: <c>--route-peer</c>), so links can be cut.</summary>
    public ProxyMesh Network { get; }

    public IEnumerable<CampaignNode> Running => Nodes.Where(n => n.IsRunning && !n.IsPaused);

    public static CampaignCluster Create(CampaignSettings settings)
    {
        Directory.CreateDirectory(settings.DataFolder);
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var taken = new HashSet<int>();
        var nodes = Enumerable.Range(1, settings.Nodes)
            .Select(i => new CampaignNode($"n{i}", FreePort(taken), FreePort(taken), settings.DataFolder, settings.Executable, secret))
            .ToList();
        var network = new ProxyMesh(nodes.ToDictionary(n => n.Id, n => IPEndPoint.Parse(n.ClusterAddress)));
        foreach (var node in nodes) node.ExtraArguments.AddRange(["--route-peer", network.RoutesOf(node.Id)]);
        return new CampaignCluster(settings, nodes, network);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var node in Nodes) node.Start(ArgumentsOf(node));
        await Task.WhenAll(Nodes.Select(n => n.WaitReadyAsync(TimeSpan.FromMinutes(2), cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Starts a node again on its data (after a kill), with its current extra arguments, and waits until it is ready.</summary>
    public async Task RestartAsync(CampaignNode node, CancellationToken cancellationToken)
    {
        node.Kill();
        node.Start(ArgumentsOf(node));
        await node.WaitReadyAsync(TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
    }

    public IReadOnlyList<string> ArgumentsOf(CampaignNode node) =>
    [
        "server", "--node-id", node.Id, "--address", node.S3Endpoint.Authority, "--cluster-address", node.ClusterAddress,
        "--join", string.Join(',', Nodes.Select(n => n.ClusterAddress)), "--data", node.DataPath, "--drives", string.Join(',', node.Drives),
        "--ec", settings.Code, "--down-after", "5s", "--gc-grace", "00:01:00", "--gc-interval", "00:00:10", .. settings.ServerArguments,
    ];

    /// <summary>The ids of the nodes leading a range now, as a node that answers sees them (none when none answers).</summary>
    public async Task<IReadOnlyList<string>> LeadersAsync(CancellationToken cancellationToken)
    {
        foreach (var node in Running.OrderBy(_ => Random.Shared.Next()))
        {
            try
            {
                var answer = await Admin(node).AdminAsync(HttpMethod.Get, "cluster", cancellationToken).ConfigureAwait(false);
                if (!answer.Is(200)) continue;
                using var json = JsonDocument.Parse(answer.Body);
                return json.RootElement.GetProperty("ranges").EnumerateArray()
                    .Select(r => r.GetProperty("leader")).Where(l => l.ValueKind == JsonValueKind.String).Select(l => l.GetString()!).Distinct().ToList();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
            {
            }
        }
        return [];
    }

    /// <summary>Fragment files on every drive of every node.</summary>
    public int FragmentFiles() => Nodes.SelectMany(n => n.Drives).Select(d => Path.Combine(d, "fragments"))
        .Where(Directory.Exists).Sum(f => Directory.EnumerateFiles(f, "*", SearchOption.AllDirectories).Count());

    public S3Connection Connection(CampaignNode node, HttpClient client) => new(client, node.S3Endpoint, settings.Credentials, CampaignSettings.Region);

    private S3Connection Admin(CampaignNode node) => Connection(node, http);

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Nodes.Select(n => n.StopAsync())).ConfigureAwait(false);
        await Network.DisposeAsync().ConfigureAwait(false);
        http.Dispose();
    }

    /// <summary>
    /// A port no one listens on now, below the kernel's usual ephemeral range (32768 and up): a port the kernel handed
    /// out and took back could go to an outgoing connection before the node binds it.
    /// </summary>
    private static int FreePort(HashSet<int> taken)
    {
        while (true)
        {
            var port = Random.Shared.Next(10_000, 32_000);
            if (!taken.Add(port)) continue;
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
    }
}
