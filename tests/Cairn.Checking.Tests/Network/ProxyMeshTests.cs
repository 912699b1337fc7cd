using System.Net;
using Cairn.Checking.Campaign.Network;

namespace Cairn.Checking.Tests.Network;

/// <summary>Which links each mesh operation cuts, and the routes each node is started with.</summary>
public sealed class ProxyMeshTests
{
    private static ProxyMesh ThreeNodes() => new(new Dictionary<string, IPEndPoint>
    {
        ["n1"] = IPEndPoint.Parse("127.0.0.1:7101"),
        ["n2"] = IPEndPoint.Parse("127.0.0.1:7102"),
        ["n3"] = IPEndPoint.Parse("127.0.0.1:7103"),
    });

    [Fact]
    public async Task A_node_routes_every_other_node_through_its_own_links()
    {
        await using var mesh = ThreeNodes();
        var routes = mesh.RoutesOf("n1").Split(',');
        Assert.Equal(
            [$"127.0.0.1:7102={mesh.Link("n1", "n2").EndPoint}", $"127.0.0.1:7103={mesh.Link("n1", "n3").EndPoint}"],
            routes.Order(StringComparer.Ordinal));
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:7103"), mesh.Link("n2", "n3").Target);
    }

    [Fact]
    public async Task Isolating_cuts_both_ways_and_healing_passes_everything()
    {
        await using var mesh = ThreeNodes();
        mesh.Isolate(new HashSet<string> { "n2" });
        Assert.Equal(["n1→n2", "n2→n1", "n2→n3", "n3→n2"], mesh.CutLinks());

        // Each operation sets the whole network: the earlier cut is gone.
        mesh.Partition(new HashSet<string> { "n1" }, new HashSet<string> { "n3" });
        Assert.Equal(["n1→n3", "n3→n1"], mesh.CutLinks());

        mesh.Heal();
        Assert.Empty(mesh.CutLinks());
    }

    [Fact]
    public async Task A_bridge_reaches_both_sides_that_are_cut_from_each_other()
    {
        await using var mesh = ThreeNodes();
        mesh.Bridge("n2", new HashSet<string> { "n1" }, new HashSet<string> { "n3" });
        Assert.Equal(["n1→n3", "n3→n1"], mesh.CutLinks());
        Assert.Throws<ArgumentException>(() => mesh.Bridge("n1", new HashSet<string> { "n1" }, new HashSet<string> { "n3" }));
    }
}
