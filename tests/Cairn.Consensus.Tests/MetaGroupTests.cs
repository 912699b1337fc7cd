using System.Net;
using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Cairn.Consensus.Meta;
using Xunit.Abstractions;
using static Cairn.Consensus.Tests.MetaGroupFixture;

namespace Cairn.Consensus.Tests;

public sealed class MetaGroupTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_bootstrap_issued_on_a_follower_gives_every_member_the_same_map()
    {
        await using var group = await MetaGroupFixture.StartAsync();
        var (_, followers) = await group.RolesAsync();

        var map = await followers[0].ExecuteAsync(ThreeZones());

        var expected = Bytes(MetaStateMachine.Apply(ClusterMap.Empty, ThreeZones()));
        Assert.Equal(expected, Bytes(map));
        Assert.Equal(expected, Bytes(followers[0].Current)); // the issuer has applied it when the call returns
        foreach (var member in group.Running) Assert.Equal(expected, Bytes(await member.ReadAsync()));
        Assert.Equal(["n1", "n2", "n3"], map.Ranges.Single().Members);
    }

    [Fact]
    public async Task Node_commands_through_different_members_are_seen_by_every_members_read()
    {
        await using var group = await MetaGroupFixture.StartAsync();
        await (await group.LeaderAsync()).ExecuteAsync(ThreeZones());

        await group[0].ExecuteAsync(new AddNode(Node("n4", "z1/r2/m4")) { At = At(1) });
        foreach (var member in group.Running)
            Assert.Equal(NodeState.Joining, (await member.ReadAsync()).Node("n4")?.State);

        await group[1].ExecuteAsync(new AdmitNode("n4") { At = At(2) });
        foreach (var member in group.Running)
            Assert.Equal(NodeState.Up, (await member.ReadAsync()).Node("n4")?.State);

        await group[2].ExecuteAsync(new Heartbeat("n4") { At = At(5) });
        await group[0].ExecuteAsync(new AddDrive("d4", "n4") { At = At(6) });
        foreach (var member in group.Running)
        {
            var map = await member.ReadAsync();
            Assert.Equal(At(5), map.Node("n4")?.LastHeartbeat);
            Assert.Equal("z1/r2/m4/d4", map.Drive("d4")?.Domain);
        }
    }

    [Fact]
    public async Task A_refused_command_gives_its_MetaError_on_the_issuer_and_changes_nothing()
    {
        await using var group = await MetaGroupFixture.StartAsync();
        await group[0].ExecuteAsync(ThreeZones());
        await group.CaughtUpAsync();
        var before = Bytes(group[0].Current);

        foreach (var member in group.Running)
        {
            var twice = await Assert.ThrowsAsync<MetaCommandException>(() => member.ExecuteAsync(ThreeZones()));
            Assert.Equal(MetaError.AlreadyBootstrapped, twice.Error);
            var unknown = await Assert.ThrowsAsync<MetaCommandException>(() => member.ExecuteAsync(new AdmitNode("nobody") { At = At(1) }));
            Assert.Equal(MetaError.NoSuchNode, unknown.Error);
            Assert.Contains("nobody", unknown.Message, StringComparison.Ordinal);
        }

        await group.CaughtUpAsync();
        foreach (var member in group.Running) Assert.Equal(before, Bytes(member.Current));
    }

    [Fact]
    public async Task A_retried_request_id_is_applied_once_and_answered_with_its_first_outcome()
    {
        await using var group = await MetaGroupFixture.StartAsync();
        var (leader, followers) = await group.RolesAsync();
        await leader.ExecuteAsync(ThreeZones());

        var add = new AddNode(Node("n4", "z1/r2/m4")) { At = At(1), RequestId = "add-n4" };
        await followers[0].ExecuteAsync(add);
        // The reply was lost: the issuer sends the same command again, later, through whichever member.
        foreach (var member in group.Running)
        {
            var retried = await member.ExecuteAsync(add with { At = At(2) });
            Assert.Equal(At(1), retried.Node("n4")?.LastHeartbeat); // the first apply's, not the retry's
        }

        // A refusal is remembered the same way: the retry gets the same error, even once it would succeed.
        var admit = new AdmitNode("n5") { At = At(3), RequestId = "admit-n5" };
        var refused = await Assert.ThrowsAsync<MetaCommandException>(() => followers[1].ExecuteAsync(admit));
        await leader.ExecuteAsync(new AddNode(Node("n5", "z2/r2/m5")) { At = At(4) });
        var again = await Assert.ThrowsAsync<MetaCommandException>(() => followers[0].ExecuteAsync(admit with { At = At(5) }));
        Assert.Equal(MetaError.NoSuchNode, refused.Error);
        Assert.Equal((refused.Error, refused.Message), (again.Error, again.Message));

        await group.CaughtUpAsync();
        foreach (var member in group.Running)
        {
            Assert.Equal(NodeState.Joining, member.Current.Node("n5")?.State);
            Assert.Equal(Bytes(leader.Current), Bytes(member.Current));
        }
    }

    [Theory]
    [InlineData(10_000)] // the follower replays its own log
    [InlineData(3)] // the leader's log is cut past the follower: it installs the leader's snapshot
    public async Task A_member_stopped_and_restarted_from_its_folder_comes_back_with_the_same_map(long snapshotInterval)
    {
        await using var group = await MetaGroupFixture.StartAsync(RangeGroupFixture.Patient with { SnapshotInterval = snapshotInterval });
        var (leader, followers) = await group.RolesAsync();
        var add = new AddNode(Node("n4", "z1/r2/m4")) { At = At(1), RequestId = "add-n4" };
        await leader.ExecuteAsync(ThreeZones());
        await leader.ExecuteAsync(add);
        await group.CaughtUpAsync();

        var follower = group.IndexOf(followers[0]);
        var applied = followers[0].AppliedIndex;
        await group.StopAsync(follower);
        for (var i = 0; i < 8; i++) await leader.ExecuteAsync(new Heartbeat($"n{1 + i % 3}") { At = At(10 + i) });
        await group.StartAsync(follower);
        await group.CaughtUpAsync();
        output.WriteLine($"follower applied {applied} before, snapshot at {group[follower].SnapshotIndex}, installed {group[follower].InstalledSnapshots}; leader snapshot at {leader.SnapshotIndex}");

        Assert.Equal(Bytes(leader.Current), Bytes(group[follower].Current));
        if (snapshotInterval < 8) Assert.True(group[follower].InstalledSnapshots >= 1, "the follower caught up from the leader's snapshot");
        // The restarted member remembers request ids applied before it went down (from its log or the snapshot).
        var retried = await group[follower].ExecuteAsync(add with { At = At(30) });
        Assert.Equal(At(1), retried.Node("n4")?.LastHeartbeat);

        // The whole group stopped and started again from its folders (no member left to learn from): the same
        // map once a leader is elected, and it takes commands.
        var beforeRestart = Bytes(leader.Current);
        for (var i = 0; i < 3; i++) await group.StopAsync(i);
        for (var i = 0; i < 3; i++) await group.StartAsync(i);
        foreach (var member in group.Running) Assert.Equal(beforeRestart, Bytes(await member.ReadAsync()));
        var after = await group[0].ExecuteAsync(new AdmitNode("n4") { At = At(40) });
        Assert.Equal(NodeState.Up, after.Node("n4")?.State);
    }

    [Fact]
    public async Task When_the_leader_is_disposed_the_other_two_elect_and_keep_accepting_commands()
    {
        await using var group = await MetaGroupFixture.StartAsync();
        var leader = await group.LeaderAsync();
        await leader.ExecuteAsync(ThreeZones());
        await leader.ExecuteAsync(new AddNode(Node("n4", "z1/r2/m4")) { At = At(1) });
        var acknowledged = Bytes(leader.Current);

        await group.StopAsync(group.IndexOf(leader));
        var (successor, followers) = await group.RolesAsync();

        Assert.Equal(acknowledged, Bytes(await successor.ReadAsync()));
        await followers.Single().ExecuteAsync(new AdmitNode("n4") { At = At(2) });
        await successor.ExecuteAsync(new Heartbeat("n4") { At = At(3) });
        foreach (var member in group.Running)
        {
            var map = await member.ReadAsync();
            Assert.Equal((NodeState.Up, At(3)), (map.Node("n4")?.State, map.Node("n4")?.LastHeartbeat));
        }
    }

    [Fact]
    public async Task A_watcher_gets_the_current_map_then_each_change()
    {
        await using var group = await MetaGroupFixture.StartAsync();
        var (leader, followers) = await group.RolesAsync();
        using var stop = new CancellationTokenSource(RangeGroupFixture.Patience);
        await using var watch = followers[1].WatchAsync(stop.Token).GetAsyncEnumerator(stop.Token);

        Assert.True(await watch.MoveNextAsync());
        Assert.False(watch.Current.Bootstrapped);
        await followers[0].ExecuteAsync(ThreeZones());
        Assert.True(await watch.MoveNextAsync());
        Assert.True(watch.Current.Bootstrapped);
        // A refusal changes nothing and wakes no watcher; the next change does.
        await Assert.ThrowsAsync<MetaCommandException>(() => leader.ExecuteAsync(ThreeZones()));
        await leader.ExecuteAsync(new AddNode(Node("n4", "z1/r2/m4")) { At = At(1) });
        Assert.True(await watch.MoveNextAsync());
        Assert.NotNull(watch.Current.Node("n4"));

        // Stopping the replica ends the watch.
        await group.StopAsync(group.IndexOf(followers[1]));
        Assert.False(await watch.MoveNextAsync());
    }

    [Fact]
    public async Task A_forwarded_meta_command_without_the_cluster_secret_is_refused_and_applies_nothing()
    {
        await using var group = await MetaGroupFixture.StartAsync();
        var leader = await group.LeaderAsync();
        var url = new Uri(group.ClusterUrls[group.IndexOf(leader)], "cluster/v1/meta/meta/commands");
        var body = MetaCodec.Encode(ThreeZones("stranger-1"));

        using var plain = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var unsigned = await plain.PostAsync(url, new ByteArrayContent(body));
        using var signed = await group.Client.PostAsync(new Uri(group.ClusterUrls[group.IndexOf(leader)], "cluster/v1/meta/other-group/commands"), new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, signed.StatusCode); // no member of that group here
        Assert.False((await leader.ReadAsync()).Bootstrapped);
    }
}
