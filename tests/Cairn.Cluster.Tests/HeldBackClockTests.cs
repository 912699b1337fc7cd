using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Cairn.Core.Time;
using Microsoft.Extensions.Time.Testing;
using static Cairn.Cluster.Tests.MetaFixture;

namespace Cairn.Cluster.Tests;

/// <summary>
/// What lifecycle, restores and the bill read as "now" in a cluster: a node's own clock, held back to within the tolerance
/// of the cluster's median clock (from the heartbeats) when it runs ahead.
/// </summary>
public sealed class HeldBackClockTests
{
    /// <summary>n1 in step at At(0), n2 ten minutes ahead, n3 ten minutes behind, as their latest heartbeats say.</summary>
    private static ClusterMap Skewed() => MetaStateMachine.ApplyAll(ThreeZones(),
        [new Heartbeat("n1") { At = At(0) }, new Heartbeat("n2") { At = At(600) }, new Heartbeat("n3") { At = At(-600) }]);

    [Fact]
    public void A_node_ten_minutes_ahead_does_not_expire_an_object_due_in_five()
    {
        var own = new FakeTimeProvider(At(600));
        var lastModified = At(300) - TimeSpan.FromDays(1); // a day old at At(300): expiry after one day is due five minutes from now

        Assert.True(new DayClock(own).DaysSince(lastModified) >= 1); // its own clock would expire it now
        var held = new HeldBackClock(own, "n2", Skewed);
        Assert.Equal(At(0) + HeldBackClock.Tolerance, held.GetUtcNow());
        Assert.True(new DayClock(held).DaysSince(lastModified) < 1);
    }

    [Fact]
    public void Nodes_in_step_or_behind_keep_their_own_clock()
    {
        var map = Skewed();
        var inStep = new FakeTimeProvider(At(1));
        Assert.Equal(At(1), new HeldBackClock(inStep, "n1", () => map).GetUtcNow());
        var behind = new FakeTimeProvider(At(-599));
        Assert.Equal(At(-599), new HeldBackClock(behind, "n3", () => map).GetUtcNow());
    }

    [Fact]
    public void Two_nodes_ahead_of_three_set_the_median_and_down_nodes_do_not_count()
    {
        var map = MetaStateMachine.Apply(Skewed(), new Heartbeat("n3") { At = At(600) });
        Assert.Equal(At(600), new HeldBackClock(new FakeTimeProvider(At(600)), "n2", () => map).GetUtcNow()); // a majority ahead is the cluster's clock

        var n3Down = MetaStateMachine.Apply(Skewed(), new MarkDown("n3") { Heartbeats = Skewed().Node("n3")!.Heartbeats, At = At(0) });
        // Up: n1 at At(0) and n2 itself at At(600): the lower median is n1's.
        Assert.Equal(At(0) + HeldBackClock.Tolerance, new HeldBackClock(new FakeTimeProvider(At(600)), "n2", () => n3Down).GetUtcNow());
    }
}
