using Cairn.Index.Shards;
using Cairn.Core.Errors;
using Cairn.Index.Buckets;
using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.Consensus.Tests;

public sealed class RangeGroupTests
{
    [Fact]
    public async Task Three_members_apply_200_puts_identically()
    {
        await using var group = await RangeGroupFixture.StartAsync();
        var leader = await group.LeaderWithBucketAsync("b");
        var objects = RangeGroupFixture.Objects(leader);
        for (var batch = 0; batch < 10; batch++)
            await Task.WhenAll(Enumerable.Range(batch * 20, 20).Select(i => objects.PutAsync("b", $"key-{i % 50}", RangeGroupFixture.Draft(i))));

        await group.CaughtUpAsync();
        var expected = RangeGroupFixture.Contents(leader.Shard);
        Assert.Equal(50, expected.Count(e => e.Key.StartsWith("4F", StringComparison.Ordinal) && e.Key.EndsWith("0063", StringComparison.Ordinal)));
        foreach (var replica in group.Running) Assert.Equal(expected, RangeGroupFixture.Contents(replica.Shard));
    }

    [Fact]
    public async Task Without_forwarding_a_follower_answers_NotLeader_with_the_leaders_address()
    {
        await using var group = await RangeGroupFixture.StartAsync(forwarding: false);
        var leader = await group.LeaderAsync();
        var follower = group.Running.First(r => r != leader);

        var e = await Assert.ThrowsAsync<NotLeaderException>(() =>
            new BucketCatalog(IndexRouter.Single(follower.Shard), TimeProvider.System).CreateAsync("b", "owner", "us-east-1"));

        Assert.Equal(leader.Address, e.Leader);
        Assert.Equal("range-1", e.Group);
    }

    [Fact]
    public async Task A_new_leader_has_every_acknowledged_command_and_takes_new_ones()
    {
        await using var group = await RangeGroupFixture.StartAsync();
        var leader = await group.LeaderWithBucketAsync("b");
        var objects = RangeGroupFixture.Objects(leader);
        var acknowledged = new List<VersionRecord>();
        for (var i = 0; i < 20; i++) acknowledged.Add(await objects.PutAsync("b", $"key-{i}", RangeGroupFixture.Draft(i)));

        var killedAt = DateTime.UtcNow;
        await group.StopAsync(group.IndexOf(leader));
        var successor = await group.LeaderAsync();
        Assert.True(DateTime.UtcNow - killedAt < TimeSpan.FromSeconds(5), "a new leader within seconds");

        var after = RangeGroupFixture.Objects(successor);
        for (var i = 0; i < 20; i++) Assert.Equal(acknowledged[i].Sequence, (await after.GetCurrentAsync("b", $"key-{i}"))?.Sequence);
        var next = await after.PutAsync("b", "after-failover", RangeGroupFixture.Draft());
        Assert.True(next.Sequence > acknowledged[^1].Sequence);
    }

    [Fact]
    public async Task A_retried_request_id_is_applied_once_and_answered_the_same()
    {
        await using var group = await RangeGroupFixture.StartAsync();
        var leader = await group.LeaderWithBucketAsync("b");
        await new BucketCatalog(IndexRouter.Single(leader.Shard), TimeProvider.System).PutVersioningAsync("b", VersioningState.Enabled);
        var put = new PutVersion("b", "k", RangeGroupFixture.Draft(), VersionIds.NewNonce()) { At = DateTimeOffset.UtcNow, RequestId = "put-1" };

        var first = await leader.Shard.ExecuteAsync(put);
        // The reply was lost: the issuer sends the same command again, later.
        var retry = await leader.Shard.ExecuteAsync(put with { At = DateTimeOffset.UtcNow.AddSeconds(1) });

        Assert.Equal(first.VersionId, retry.VersionId);
        Assert.Equal(first.Sequence, retry.Sequence);
        Assert.Single(await RangeGroupFixture.Objects(leader).VersionsAsync("b", "k"));

        // A refusal is remembered the same way: the retry gets the same typed error, even once the bucket exists.
        var create = new CreateBucket("c", "owner", "us-east-1") { At = DateTimeOffset.UtcNow, RequestId = "create-1" };
        var missing = new PutVersion("c", "k", RangeGroupFixture.Draft(), VersionIds.NewNonce()) { At = DateTimeOffset.UtcNow, RequestId = "put-2" };
        var refused = await Assert.ThrowsAsync<S3Exception>(() => leader.Shard.ExecuteAsync(missing));
        await leader.Shard.ExecuteAsync(create);
        var again = await Assert.ThrowsAsync<S3Exception>(() => leader.Shard.ExecuteAsync(missing));
        Assert.Equal(S3ErrorCode.NoSuchBucket, refused.Code);
        Assert.Equal(refused.Code, again.Code);
        Assert.Equal(refused.Message, again.Message);
    }

    [Fact]
    public async Task A_restarted_member_replays_to_the_same_state_and_rejoins()
    {
        await using var group = await RangeGroupFixture.StartAsync();
        var leader = await group.LeaderWithBucketAsync("b");
        var objects = RangeGroupFixture.Objects(leader);
        await RangeGroupFixture.PutManyAsync(objects, "before", 10);
        await group.CaughtUpAsync();

        var follower = await group.WhileAFollowerIsDownAsync(leader, () => RangeGroupFixture.PutManyAsync(objects, "while-down", 10));
        await objects.PutAsync("b", "after", RangeGroupFixture.Draft());
        await group.CaughtUpAsync();

        Assert.Equal(RangeGroupFixture.Contents(leader.Shard), RangeGroupFixture.Contents(group[follower].Shard));
        Assert.NotNull(await RangeGroupFixture.Objects(group[follower]).GetCurrentAsync("b", "after"));
    }

    [Fact]
    public async Task A_member_stopped_while_a_leader_leads_does_not_come_back_in_a_later_term()
    {
        // A member that stood for election while being stopped came back in a term above its leader's, refused
        // that leader, and was never heard by it: it stayed out of the group (one run in ten of the snapshot tests).
        await using var group = await RangeGroupFixture.StartAsync();
        await group.LeaderWithBucketAsync("b");
        for (var round = 0; round < 5; round++)
        {
            var follower = group.IndexOf(group.Running.First(r => !r.IsLeader));
            await group.StopAsync(follower);
            var persisted = await group.PersistedTermAsync(follower);
            var term = (await group.LeaderAsync()).Term;
            Assert.True(persisted <= term, $"round {round}: the stopped member will start in term {persisted}, its group leads in term {term}");
            await group.StartAsync(follower);
            await group.CaughtUpAsync();
        }
    }

    [Fact]
    public async Task After_the_read_barrier_a_follower_sees_what_was_acknowledged_before()
    {
        await using var group = await RangeGroupFixture.StartAsync();
        var leader = await group.LeaderWithBucketAsync("b");
        var objects = RangeGroupFixture.Objects(leader);
        foreach (var follower in group.Running.Where(r => r != leader))
            for (var i = 0; i < 20; i++)
            {
                var put = await objects.PutAsync("b", "k", RangeGroupFixture.Draft(i));
                await follower.Shard.ReadBarrierAsync();
                using var snapshot = follower.Shard.OpenSnapshot();
                Assert.NotNull(snapshot.Get(IndexKeys.VersionKey("b", "k", put.Sequence)));
            }
    }
}
