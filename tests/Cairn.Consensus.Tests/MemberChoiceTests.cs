using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;

namespace Cairn.Consensus.Tests;

/// <summary>Which nodes hold a range's replicas: spread over zones, then racks, the same answer everywhere.</summary>
public sealed class MemberChoiceTests
{
    private static ClusterNode Node(string id, string zoneRack, NodeState state = NodeState.Up) =>
        new(id, $"{id}:9000", $"{id}:7100", $"{zoneRack}/{id}", state, DateTimeOffset.UnixEpoch);

    private static readonly ClusterNode[] Five =
        [Node("n1", "zone-a/rack1"), Node("n2", "zone-a/rack2"), Node("n3", "zone-b/rack1"), Node("n4", "zone-b/rack2"), Node("n5", "zone-c/rack1")];

    [Fact]
    public void Three_replicas_of_five_nodes_in_three_zones_take_one_node_per_zone()
    {
        Assert.Equal(["n1", "n3", "n5"], MemberChoice.Spread(Five, 3).Select(n => n.Id));
        Assert.Equal(["n1", "n3", "n5"], MemberChoice.Spread(Five.Reverse(), 3).Select(n => n.Id));
    }

    [Fact]
    public void A_range_short_of_replicas_adds_the_up_node_that_crowds_its_members_least()
    {
        var map = ClusterMap.Empty with { Nodes = [.. Five.Take(4), Node("n5", "zone-c/rack1", NodeState.Joining)] };

        // Members in zone-a and zone-b: the third goes to zone-c once its node is up; until then to a rack not yet used.
        Assert.Equal(["n2"], MemberChoice.Additions(map, ["n1", "n3"], 3).Select(n => n.Id));
        var withC = map with { Nodes = [.. Five] };
        Assert.Equal(["n5"], MemberChoice.Additions(withC, ["n1", "n3"], 3).Select(n => n.Id));
        Assert.Empty(MemberChoice.Additions(withC, ["n1", "n3", "n5"], 3));
        Assert.Equal(["n2", "n4"], MemberChoice.Additions(withC, ["n1", "n3", "n5"], 5).Select(n => n.Id));
    }
}
