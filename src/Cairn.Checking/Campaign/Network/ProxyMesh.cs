using System.Net;

namespace Cairn.Checking.Campaign.Network;

/// <summary>
/// The network between the nodes of a cluster on one machine, as one <see cref="FaultProxy"/> per ordered pair of nodes
/// (i→j carries the connections node i opens to node j's cluster address). Each node is started with its
/// <see cref="RoutesOf"/> as <c>--route-peer</c>, so every byte between two nodes crosses the mesh. Each operation sets
/// the whole network: the links it names are cut, every other link passes.
/// </summary>
public sealed class ProxyMesh : IDisposable, IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, IPEndPoint> clusterAddresses;
    private readonly Dictionary<(string From, string To), FaultProxy> links = [];

    /// <param name="clusterAddresses">Each node's id (n1, n2…) and its cluster address.</param>
    public ProxyMesh(IReadOnlyDictionary<string, IPEndPoint> clusterAddresses)
    {
        this.clusterAddresses = clusterAddresses;
        try
        {
            foreach (var from in clusterAddresses.Keys)
            foreach (var (to, address) in clusterAddresses)
                if (from != to) links[(from, to)] = new FaultProxy(address);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyCollection<string> Nodes => clusterAddresses.Keys.ToArray();

    /// <summary>The link carrying the connections <paramref name="from"/> opens to <paramref name="to"/>.</summary>
    public FaultProxy Link(string from, string to) => links[(from, to)];

    /// <summary>The value of node <paramref name="node"/>'s <c>--route-peer</c>: every other node through its link from this one.</summary>
    public string RoutesOf(string node) =>
        string.Join(',', links.Where(l => l.Key.From == node).Select(l => $"{clusterAddresses[l.Key.To]}={l.Value.EndPoint}"));

    /// <summary>Cuts <paramref name="side"/> off from every other node, both ways; the nodes on each side still reach each other.</summary>
    public void Isolate(IReadOnlySet<string> side) => Cut((a, b) => side.Contains(a) != side.Contains(b));

    /// <summary>
    /// Cuts every link between the two sides, both ways. Nodes on neither side reach everyone (and carry nothing
    /// between the sides: nodes do not relay for each other).
    /// </summary>
    public void Partition(IReadOnlySet<string> sideA, IReadOnlySet<string> sideB) =>
        Cut((a, b) => (sideA.Contains(a) && sideB.Contains(b)) || (sideB.Contains(a) && sideA.Contains(b)));

    /// <summary>
    /// The two sides cut from each other while <paramref name="bridge"/>, on neither side, reaches both: with the bridge
    /// each side may count a majority (two and two around a fifth), so two leaders can each believe they have a quorum.
    /// </summary>
    public void Bridge(string bridge, IReadOnlySet<string> sideA, IReadOnlySet<string> sideB)
    {
        if (sideA.Contains(bridge) || sideB.Contains(bridge))
            throw new ArgumentException($"The bridge {bridge} must be on neither side.", nameof(bridge));
        Partition(sideA, sideB);
    }

    /// <summary>Every link passes again; held connections go on, and bytes held on cut links are delivered.</summary>
    public void Heal() => Cut((_, _) => false);

    /// <summary>Cuts exactly the links (from, to) <paramref name="cut"/> names; every other link passes.</summary>
    public void Cut(Func<string, string, bool> cut)
    {
        foreach (var ((from, to), link) in links)
            link.State = cut(from, to) ? LinkState.Blackhole : LinkState.Pass;
    }

    /// <summary>The links now cut, as "from→to".</summary>
    public IReadOnlyList<string> CutLinks() =>
        links.Where(l => l.Value.State == LinkState.Blackhole).Select(l => $"{l.Key.From}→{l.Key.To}").Order(StringComparer.Ordinal).ToArray();

    public void Dispose()
    {
        foreach (var link in links.Values) link.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var link in links.Values) await link.DisposeAsync().ConfigureAwait(false);
    }
}
