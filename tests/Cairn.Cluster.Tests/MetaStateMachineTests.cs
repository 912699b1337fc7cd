using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using static Cairn.Cluster.Tests.MetaFixture;

namespace Cairn.Cluster.Tests;

public sealed class MetaStateMachineTests
{
    [Fact]
    public void Bootstrap_picks_members_in_distinct_zones_when_there_are_enough()
    {
        var map = Bootstrapped(
            Node("n1", "z1/r1/m1"), Node("n2", "z1/r1/m2"), Node("n3", "z1/r2/m3"),
            Node("n4", "z2/r1/m4"), Node("n5", "z2/r1/m5"), Node("n6", "z3/r1/m6"));

        var members = map.Ranges[0].Members.Select(m => map.Node(m)!).ToArray();
        Assert.Equal(3, members.Select(n => n.Zone).Distinct().Count());
        Assert.Equal(["n1", "n4", "n6"], map.Ranges[0].Members);
        Assert.All(map.Nodes, n => Assert.Equal(NodeState.Up, n.State));
    }

    [Fact]
    public void Bootstrap_spreads_over_racks_then_machines_when_zones_run_out()
    {
        var racks = Bootstrapped(Node("a", "z1/r1/m1"), Node("b", "z1/r1/m2"), Node("c", "z1/r2/m3"), Node("d", "z2/r1/m4"));
        Assert.Equal(["a", "d", "c"], racks.Ranges[0].Members);  // two zones, then a new rack in the first

        var machines = Bootstrapped(Node("a", "z1/r1/m1"), Node("b", "z1/r1/m1"), Node("c", "z1/r1/m2"), Node("d", "z1/r1/m3"));
        Assert.Equal(3, machines.Ranges[0].Members.Select(m => machines.Node(m)!.Domain).Distinct().Count());
    }

    [Fact]
    public void Bootstrap_members_do_not_depend_on_the_order_nodes_are_listed()
    {
        NodeSpec[] nodes = [Node("n1", "z1/r1/m1"), Node("n2", "z1/r2/m2"), Node("n3", "z2/r1/m3"), Node("n4", "z2/r2/m4"), Node("n5", "z3/r1/m5")];
        var expected = Bytes(Bootstrapped(nodes));
        Assert.Equal(expected, Bytes(Bootstrapped([.. nodes.Reverse()])));
        Assert.Equal(expected, Bytes(Bootstrapped([nodes[2], nodes[4], nodes[0], nodes[3], nodes[1]])));
    }

    [Fact]
    public void Bootstrap_with_fewer_nodes_than_replicas_uses_them_all_and_is_refused_a_second_time()
    {
        var map = Bootstrapped(Node("solo", "z/r/m"));
        Assert.Equal(["solo"], map.Ranges[0].Members);
        Refused(map, new Bootstrap([Node("x", "z/r/x")]) { At = T0 }, MetaError.AlreadyBootstrapped);
        Refused(ClusterMap.Empty, new Bootstrap([Node("x", "z/x")]) { At = T0 }, MetaError.InvalidArgument);
        Refused(ClusterMap.Empty, new AddNode(Node("x", "z/r/x")) { At = T0 }, MetaError.NotBootstrapped);
    }

    [Fact]
    public void MoveReplica_refuses_a_second_member_on_one_machine_and_allows_a_distinct_one()
    {
        var map = Bootstrapped(Node("a", "z1/r1/m1"), Node("a2", "z1/r1/m1"), Node("b", "z2/r1/m2"), Node("c", "z3/r1/m3"), Node("d", "z3/r2/m4"));
        var range = map.Ranges[0];
        Assert.Equal(["a", "b", "c"], range.Members);

        var refusal = Refused(map, new MoveReplica(range.GroupId, "c", "a2") { At = T0 }, MetaError.FailureDomainConflict);
        Assert.Contains("z1/r1/m1", refusal.Message);

        var moved = MetaStateMachine.Apply(map, new MoveReplica(range.GroupId, "c", "d", ExpectedGeneration: range.Generation) { At = T0 });
        Assert.Equal(["a", "b", "d"], moved.Ranges[0].Members);
        Assert.Equal(range.Generation + 1, moved.Ranges[0].Generation);

        // Moving within the same machine's member is fine: a is the one that leaves.
        Assert.Equal(["a2", "b", "c"], MetaStateMachine.Apply(map, new MoveReplica(range.GroupId, "a", "a2") { At = T0 }).Ranges[0].Members);
    }

    [Fact]
    public void MoveReplica_allows_sharing_a_machine_when_the_map_has_too_few_machines()
    {
        var map = Bootstrapped(Node("a1", "z/r/m1"), Node("a2", "z/r/m1"), Node("b", "z/r/m2"));
        map = MetaStateMachine.ApplyAll(map, [new AddNode(Node("a3", "z/r/m1")) { At = T0 }, new AdmitNode("a3") { At = T0 }]);
        var moved = MetaStateMachine.Apply(map, new MoveReplica(map.Ranges[0].GroupId, "a2", "a3") { At = T0 });
        Assert.Contains("a3", moved.Ranges[0].Members);
    }

    [Fact]
    public void MoveReplica_checks_membership_node_state_and_generation()
    {
        var map = MetaStateMachine.Apply(ThreeZones(), new AddNode(Node("n4", "z4/r1/m4")) { At = T0 });
        var g = map.Ranges[0].GroupId;
        Refused(map, new MoveReplica(g, "n4", "n1") { At = T0 }, MetaError.NotAMember);
        Refused(map, new MoveReplica(g, "n1", "n2") { At = T0 }, MetaError.AlreadyAMember);
        Refused(map, new MoveReplica(g, "n1", "n4") { At = T0 }, MetaError.InvalidNodeState);  // still joining
        Refused(map, new MoveReplica(g, "n1", "nobody") { At = T0 }, MetaError.NoSuchNode);
        Refused(map, new MoveReplica(g, "n1", "n4", ExpectedGeneration: 7) { At = T0 }, MetaError.StaleGeneration);
    }

    [Fact]
    public void MarkDown_respects_the_grace_measured_in_command_time()
    {
        var map = MetaStateMachine.Apply(ThreeZones(), new Heartbeat("n1") { At = At(5) });

        // Ten seconds of grace after the heartbeat at +5s: refused until +15s, whatever the machine's clock says.
        var refusal = Refused(map, new MarkDown("n1") { At = At(14.999) }, MetaError.NodeStillAlive);
        Assert.Contains("n1", refusal.Message);
        var down = MetaStateMachine.Apply(map, new MarkDown("n1") { At = At(15) });
        Assert.Equal(NodeState.Down, down.Node("n1")!.State);

        // Marking down a node that is already down is refused; its next heartbeat brings it back.
        Refused(down, new MarkDown("n1") { At = At(60) }, MetaError.InvalidNodeState);
        var back = MetaStateMachine.Apply(down, new Heartbeat("n1") { At = At(61) });
        Assert.Equal(NodeState.Up, back.Node("n1")!.State);
        Assert.Equal(At(61), back.Node("n1")!.LastHeartbeat);
    }

    [Fact]
    public void A_late_heartbeat_with_an_older_time_does_not_move_the_last_heartbeat_back()
    {
        var map = MetaStateMachine.ApplyAll(ThreeZones(), [new Heartbeat("n2") { At = At(30) }, new Heartbeat("n2") { At = At(20) }]);
        Assert.Equal(At(30), map.Node("n2")!.LastHeartbeat);
        Refused(map, new MarkDown("n2") { At = At(35) }, MetaError.NodeStillAlive);
    }

    [Fact]
    public void Nodes_join_then_are_admitted()
    {
        var map = MetaStateMachine.Apply(ThreeZones(), new AddNode(Node("n4", "z1/r2/m4")) { At = At(1) });
        Assert.Equal(NodeState.Joining, map.Node("n4")!.State);
        Refused(map, new AddNode(Node("n4", "z1/r2/m4")) { At = At(1) }, MetaError.NodeExists);
        map = MetaStateMachine.Apply(map, new AdmitNode("n4") { At = At(2) });
        Assert.Equal(NodeState.Up, map.Node("n4")!.State);
        Refused(map, new AdmitNode("n4") { At = At(3) }, MetaError.InvalidNodeState);
        Assert.Equal(["n1", "n2", "n3", "n4"], map.Nodes.Select(n => n.Id));
    }

    [Fact]
    public void Bootstrap_makes_every_bootstrapping_node_a_meta_member()
    {
        Assert.Equal(["n1", "n2", "n3"], ThreeZones().MetaMembers);
    }

    [Fact]
    public void An_admitted_node_is_recorded_as_a_replica_of_a_range_and_of_the_meta_group()
    {
        var map = ThreeZones().Split("b", "m");
        map = MetaStateMachine.Apply(map, new AddNode(Node("n4", "z1/r2/m4")) { At = At(1) });
        var g = map.Ranges[1].GroupId;
        Refused(map, new AddReplica(g, "n4") { At = At(2) }, MetaError.InvalidNodeState);  // still joining
        Refused(map, new AddMetaMember("n4") { At = At(2) }, MetaError.InvalidNodeState);
        map = MetaStateMachine.Apply(map, new AdmitNode("n4") { At = At(2) });

        var added = MetaStateMachine.Apply(map, new AddReplica(g, "n4", ExpectedGeneration: map.Ranges[1].Generation) { At = At(3) });
        Assert.Equal(["n1", "n2", "n3", "n4"], added.Group(g)!.Members);
        Assert.Equal(map.Group(g)!.Generation + 1, added.Group(g)!.Generation);
        Assert.Equal(["n1", "n2", "n3"], added.Ranges[0].Members);  // the other range is unchanged
        Refused(added, new AddReplica(g, "n4") { At = At(4) }, MetaError.AlreadyAMember);
        Refused(added, new AddReplica(g, "n4", ExpectedGeneration: 1) { At = At(4) }, MetaError.StaleGeneration);
        Refused(added, new AddReplica(99, "n4") { At = At(4) }, MetaError.NoSuchGroup);
        Refused(added, new AddReplica(g, "nobody") { At = At(4) }, MetaError.NoSuchNode);

        var meta = MetaStateMachine.Apply(added, new AddMetaMember("n4") { At = At(5) });
        Assert.Equal(["n1", "n2", "n3", "n4"], meta.MetaMembers);
        Refused(meta, new AddMetaMember("n4") { At = At(6) }, MetaError.AlreadyAMember);
        Assert.Equal(Bytes(meta), Bytes(MetaCodec.DecodeMap(MetaCodec.Encode(meta))));
    }

    [Fact]
    public void Placement_map_holds_the_up_drives_of_up_nodes_with_their_domain_paths()
    {
        var map = MetaStateMachine.ApplyAll(ThreeZones(),
        [
            new AddDrive("d1", "n1") { At = T0 },
            new AddDrive("d2", "n2", "z2/r1/m2/ssd0", Weight: 2) { At = T0 },
            new AddDrive("d3", "n3", Tier: "cold") { At = T0 },
            new AddDrive("d4", "n3") { At = T0 },
        ]);
        Assert.Equal(["d1:z1/r1/m1/d1:1", "d2:z2/r1/m2/ssd0:2", "d3:z3/r1/m3/d3:1", "d4:z3/r1/m3/d4:1"],
            map.PlacementMap().Select(d => $"{d.Id}:{d.Domain}:{d.Weight}"));
        Assert.Equal(["d3"], map.PlacementMap("cold").Select(d => d.Id));

        map = MetaStateMachine.ApplyAll(map, [new SetDriveState("d4", DriveState.Down) { At = At(1) }, new MarkDown("n1") { At = At(30) }]);
        Assert.Equal(["d2", "d3"], map.PlacementMap().Select(d => d.Id));

        Refused(map, new AddDrive("d1", "n2") { At = T0 }, MetaError.DriveExists);
        Refused(map, new AddDrive("d9", "n2", "z1/r1/m1/d9") { At = T0 }, MetaError.InvalidArgument);  // not under n2's path
        Refused(map, new AddDrive("d9", "n2", Weight: 0) { At = T0 }, MetaError.InvalidArgument);
        Refused(map, new SetDriveState("nope", DriveState.Up) { At = T0 }, MetaError.NoSuchDrive);
        var removed = MetaStateMachine.Apply(map, new SetDriveState("d2", DriveState.Removed) { At = T0 });
        Refused(removed, new SetDriveState("d2", DriveState.Up) { At = T0 }, MetaError.InvalidDriveState);
    }

    /// <summary>A log touching every command, refusals included, as a replica would apply it.</summary>
    internal static MetaCommand[] Log() =>
    [
        new Bootstrap([Node("n3", "z2/r1/m3"), Node("n1", "z1/r1/m1"), Node("n2", "z1/r2/m2"), Node("n4", "z3/r1/m4")], HeartbeatGrace: TimeSpan.FromSeconds(5)) { At = At(0), RequestId = "r0" },
        new AddNode(Node("n5", "z3/r2/m5")) { At = At(1) },
        new AdmitNode("n5") { At = At(2) },
        new AddDrive("d1", "n1") { At = At(2) },
        new AddDrive("d5", "n5", Weight: 3.5, Tier: "warm") { At = At(2) },
        new Heartbeat("n1") { At = At(3) },
        new Heartbeat("n4") { At = At(4) },
        new SplitRange(1, "photos", "m") { At = At(5) },
        new SplitRange(2, "photos", "😀") { At = At(6) },
        new SplitRange(1, "photos", "zzz") { At = At(6) },   // refused: not in group 1 any more
        new MarkDown("n4") { At = At(6) },                    // refused: heartbeat 2s ago
        new MarkDown("n3") { At = At(7) },
        new MoveReplica(2, "n3", "n5") { At = At(8) },
        new SetDriveState("d1", DriveState.Draining) { At = At(9) },
        new Heartbeat("n3") { At = At(10) },
        new AddReplica(1, "n5", ExpectedGeneration: 2) { At = At(11), RequestId = "grow/g1/n5" },
        new AddMetaMember("n5") { At = At(12), RequestId = "grow/meta/n5" },
        new DrainNode("n2") { At = At(13), RequestId = "drain/n2" },
        new RemoveReplica(1, "n2") { At = At(14) },
        new RemoveMetaMember("n2") { At = At(15) },
        new RemoveNode("n2") { At = At(16) },
        new MergeRanges(1, 3, ExpectedLeftGeneration: 3) { At = At(17), RequestId = "merge/g1/g3" },
    ];

    internal static ClusterMap ApplyTolerant(IEnumerable<MetaCommand> log)
    {
        var map = ClusterMap.Empty;
        foreach (var command in log)
        {
            try { map = MetaStateMachine.Apply(map, command); }
            catch (MetaCommandException) { }
        }
        return map;
    }

    [Fact]
    public void The_same_log_applied_to_two_fresh_states_gives_identical_states()
    {
        var first = ApplyTolerant(Log());
        var second = ApplyTolerant(Log().Select(c => MetaCodec.Decode(MetaCodec.Encode(c))));  // as a follower reads it off the wire

        Assert.Equal(Bytes(first), Bytes(second));
        Assert.Equal(3, first.Ranges.Count);
        Assert.Equal(NodeState.Up, first.Node("n3")!.State);
        Assert.Equal(Bytes(first), Bytes(MetaCodec.DecodeMap(MetaCodec.Encode(first))));  // the map survives its own codec
    }
}
