using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using static Cairn.Cluster.Tests.MetaFixture;

namespace Cairn.Cluster.Tests;

/// <summary>
/// Replicas move by the plan alone: drive the map the way the groups' leaders do (apply each planned change as its
/// record, AddReplica or RemoveReplica) until nothing is planned, and check what every step left.
/// </summary>
public sealed class MembershipPlanTests
{
    [Fact]
    public void Draining_a_node_adds_each_replacement_before_it_removes_the_leaving_replica_then_lets_the_meta_group_go()
    {
        var map = Joined(ThreeZones(), Node("n4", "z4/r1/m4")).Split("b", "m");
        map = Apply(map, new DrainNode("n1") { At = T0 });
        Assert.Equal(NodeState.Draining, map.Node("n1")!.State);

        var steps = Settle(ref map, out var history);
        Assert.True(steps > 0);
        // Never fewer than three members at any step: each replacement is added before the leaving replica goes.
        Assert.All(history, m => Assert.All(m.Ranges, r => Assert.True(r.Members.Count >= 3, r.ToString())));
        Assert.All(map.Ranges, r => Assert.Equal(["n2", "n3", "n4"], r.Members.Order(StringComparer.Ordinal)));
        // The meta group lets it go only once it holds no replica.
        var lastWithReplica = history.FindLastIndex(m => m.Ranges.Any(r => r.Members.Contains("n1")));
        var firstWithoutMeta = history.FindIndex(m => !m.MetaMembers.Contains("n1"));
        Assert.True(firstWithoutMeta > lastWithReplica, $"left the meta group at step {firstWithoutMeta}, last replica at {lastWithReplica}");

        map = Apply(map, new RemoveNode("n1") { At = T0 });
        Assert.Equal(NodeState.Removed, map.Node("n1")!.State);
        Assert.All(map.Drives.Where(d => d.NodeId == "n1"), d => Assert.Equal(DriveState.Removed, d.State));
        Refused(map, new Heartbeat("n1") { At = T0 }, MetaError.InvalidNodeState);
    }

    [Fact]
    public void A_new_node_receives_replicas_one_move_at_a_time_until_no_node_holds_two_more_than_another()
    {
        var map = ThreeZones().Split("b", "f").Split("b", "m").Split("b", "t");  // 4 ranges x 3 replicas on 3 nodes
        map = Joined(map, Node("n4", "z4/r1/m4"));
        Settle(ref map, out var history);
        Assert.All(history, m => Assert.True(m.Ranges.Count(r => r.Members.Count > 3) <= 1, "two ranges moving at once"));
        var load = map.Nodes.Select(n => map.Ranges.Count(r => r.Members.Contains(n.Id))).ToArray();
        Assert.True(load.Max() - load.Min() <= 1, string.Join(",", load));
        Assert.All(map.Ranges, r => Assert.Equal(3, r.Members.Count));
    }

    [Fact]
    public void A_balance_move_never_crowds_a_zone_that_the_members_had_to_themselves()
    {
        // n4 shares n1's zone: moving n2's or n3's replica to it would put two members in z1.
        var map = ThreeZones().Split("b", "f").Split("b", "m");
        map = Joined(map, Node("n4", "z1/r2/m4"));
        Settle(ref map, out _);
        Assert.All(map.Ranges, r => Assert.Equal(3, r.Members.Select(m => map.Node(m)!.Zone).Distinct().Count()));
    }

    [Fact]
    public void Drain_is_refused_when_the_nodes_left_could_not_hold_every_replica_and_removal_before_the_replicas_move()
    {
        var map = ThreeZones();
        var refusal = Refused(map, new DrainNode("n1") { At = T0 }, MetaError.InsufficientNodes);
        Assert.Contains("add a node first", refusal.Message);

        map = Joined(map, Node("n4", "z4/r1/m4"));
        Refused(map, new RemoveNode("n4") { At = T0 }, MetaError.InvalidNodeState);
        map = Apply(map, new DrainNode("n1") { At = T0 });
        Refused(map, new RemoveNode("n1") { At = T0 }, MetaError.StillAMember);
        Refused(map, new DrainNode("n1") { At = T0 }, MetaError.InvalidNodeState);
    }

    [Fact]
    public void A_draining_node_marked_down_is_still_draining_when_it_heartbeats_again()
    {
        var map = Joined(ThreeZones(), Node("n4", "z4/r1/m4"));
        map = Apply(map, new DrainNode("n1") { At = T0 });
        map = Apply(map, new MarkDown("n1") { At = T0, Heartbeats = map.Node("n1")!.Heartbeats });
        Assert.Equal(NodeState.Down, map.Node("n1")!.State);
        map = Apply(map, new Heartbeat("n1") { At = T0 });
        Assert.Equal(NodeState.Draining, map.Node("n1")!.State);
        Assert.DoesNotContain(map.PlacementMap(), d => d.Id.StartsWith("n1", StringComparison.Ordinal));
    }

    [Fact]
    public void RemoveReplica_refuses_a_non_member_the_last_member_and_a_stale_generation()
    {
        var map = Bootstrapped(Node("solo", "z/r/m"));
        var range = map.Ranges[0];
        Refused(map, new RemoveReplica(range.GroupId, "solo") { At = T0 }, MetaError.InvalidArgument);
        Refused(map, new RemoveReplica(range.GroupId, "other") { At = T0 }, MetaError.NotAMember);
        var three = ThreeZones();
        Refused(three, new RemoveReplica(three.Ranges[0].GroupId, "n1", three.Ranges[0].Generation + 1) { At = T0 }, MetaError.StaleGeneration);
        var removed = Apply(three, new RemoveReplica(three.Ranges[0].GroupId, "n1", three.Ranges[0].Generation) { At = T0 });
        Assert.Equal(["n2", "n3"], removed.Ranges[0].Members);
        Assert.Equal(three.Ranges[0].Generation + 1, removed.Ranges[0].Generation);
    }

    private static ClusterMap Joined(ClusterMap map, NodeSpec node)
    {
        map = Apply(map, new AddNode(node) { At = T0 });
        map = Apply(map, new AddDrive($"{node.Id}-d0", node.Id) { At = T0 });
        return Apply(map, new AdmitNode(node.Id) { At = T0 });
    }

    private static ClusterMap Apply(ClusterMap map, MetaCommand command) => MetaStateMachine.Apply(map, command);

    /// <summary>Applies the planned changes, the meta group's and each range's, until none is planned; returns how many.</summary>
    private static int Settle(ref ClusterMap map, out List<ClusterMap> history)
    {
        history = [map];
        for (var step = 0; step < 100; step++)
        {
            var now = map;
            ClusterMap next;
            if (MembershipPlan.ForMeta(now) is { } meta)
                next = Apply(now, meta is AddMember ? new AddMetaMember(meta.NodeId) { At = T0 } : new RemoveMetaMember(meta.NodeId) { At = T0 });
            else if (now.Ranges.Select(r => (Range: r, Change: MembershipPlan.ForRange(now, r))).FirstOrDefault(p => p.Change is not null) is { Change: { } change } planned)
                next = Apply(now, change is AddMember
                    ? new AddReplica(planned.Range.GroupId, change.NodeId, planned.Range.Generation) { At = T0 }
                    : new RemoveReplica(planned.Range.GroupId, change.NodeId, planned.Range.Generation) { At = T0 });
            else return step;
            map = next;
            history.Add(map);
        }
        throw new InvalidOperationException("The plan did not settle in 100 steps: it oscillates.");
    }
}
