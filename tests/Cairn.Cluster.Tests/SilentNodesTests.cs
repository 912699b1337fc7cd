using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Microsoft.Extensions.Time.Testing;
using static Cairn.Cluster.Tests.MetaFixture;

namespace Cairn.Cluster.Tests;

/// <summary>
/// Marking nodes down compares no two clocks: a heartbeat counts whatever time its sender's clock gave it, the detector
/// times silence by its own elapsed time, and the apply refuses a mark-down once a later heartbeat is in the log.
/// </summary>
public sealed class SilentNodesTests
{
    [Fact]
    public void A_mark_down_is_refused_once_a_later_heartbeat_is_in_the_log_whatever_time_the_heartbeat_carries()
    {
        var map = ThreeZones();
        var seen = map.Node("n2")!.Heartbeats;
        // n2's clock runs ten minutes behind; the detector's an hour ahead of it: the heartbeat still wins.
        map = MetaStateMachine.Apply(map, new Heartbeat("n2") { At = At(-600) });
        Refused(map, new MarkDown("n2") { Heartbeats = seen, At = At(3600) }, MetaError.NodeStillAlive);

        var down = MetaStateMachine.Apply(map, new MarkDown("n2") { Heartbeats = seen + 1, At = At(0) });
        Assert.Equal(NodeState.Down, down.Node("n2")!.State);
    }

    [Fact]
    public void A_node_whose_clock_runs_behind_is_not_silent_while_it_heartbeats()
    {
        var time = new FakeTimeProvider(T0.AddHours(1)); // the detector's clock: an hour ahead of every heartbeat's
        var silent = new SilentNodes(time);
        var map = ThreeZones();
        for (var second = 0; second < 60; second++)
        {
            map = MetaStateMachine.ApplyAll(map, new[] { "n1", "n2", "n3" }.Select(id => new Heartbeat(id) { At = At(id == "n2" ? second - 600 : second) }));
            Assert.Empty(silent.Due(map));
            time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public void A_node_that_stops_heartbeating_is_due_after_the_grace_of_elapsed_time_however_far_ahead_its_clock_ran()
    {
        var time = new FakeTimeProvider(T0);
        var silent = new SilentNodes(time);
        // n3's last heartbeat carried a time a day ahead: it must not keep n3 up.
        var map = MetaStateMachine.Apply(ThreeZones(), new Heartbeat("n3") { At = At(86_400) });
        Assert.Empty(silent.Due(map));
        time.Advance(map.HeartbeatGrace);
        Assert.Empty(silent.Due(map));
        time.Advance(TimeSpan.FromSeconds(1));

        var due = silent.Due(map);
        Assert.Equal(["n1", "n2", "n3"], due.Select(d => d.Command.NodeId));
        var n3 = due.Single(d => d.Command.NodeId == "n3").Command;
        Assert.Equal(map.Node("n3")!.Heartbeats, n3.Heartbeats);
        Assert.Equal(NodeState.Down, MetaStateMachine.Apply(map, n3).Node("n3")!.State);
    }

    [Fact]
    public void A_detector_that_stops_leading_starts_afresh()
    {
        var time = new FakeTimeProvider(T0);
        var silent = new SilentNodes(time);
        var map = ThreeZones();
        Assert.Empty(silent.Due(map));
        time.Advance(TimeSpan.FromMinutes(5));
        silent.Forget();
        Assert.Empty(silent.Due(map));
        time.Advance(map.HeartbeatGrace + TimeSpan.FromSeconds(1));
        Assert.Equal(3, silent.Due(map).Count);
    }
}
