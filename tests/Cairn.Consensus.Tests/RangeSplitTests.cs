using System.Net;
using Cairn.Core.Errors;
using Cairn.Core.Keys;
using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.Index.Apply;
using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Consensus.Tests;

/// <summary>
/// A range's SplitShard command, in a group of three: every member keeps the keys below the point and makes the
/// new range's store from the keys at and above it; a group started on those stores serves them, and each range
/// refuses the keys the other owns.
/// </summary>
public sealed class RangeSplitTests
{
    [Fact]
    public async Task A_split_gives_every_member_the_same_new_range_holding_the_keys_from_the_point_on()
    {
        await using var group = await RangeGroupFixture.StartAsync();
        var leader = await group.LeaderWithBucketAsync("b");
        var objects = RangeGroupFixture.Objects(leader);
        await RangeGroupFixture.PutManyAsync(objects, "k", 10); // k-0 … k-9
        var point = RangeKeys.Point("b", "k-5");

        // A PUT and the split in flight together: they may share an entry, and the PUT lands in the new range either way.
        var late = objects.PutAsync("b", "k-7", RangeGroupFixture.Draft(77));
        await leader.Shard.ExecuteAsync(new SplitShard(point, "g2") { At = DateTimeOffset.UtcNow });
        await late;
        await group.CaughtUpAsync();

        var left = new ShardSpan([], point);
        foreach (var member in group.Running)
        {
            Assert.Equal(left, member.Span, SpanComparer);
            Assert.DoesNotContain(Keys(member.Shard), k => string.CompareOrdinal(k, "k-5") >= 0);
        }
        // Keys the left range gave away are refused there (the router would try the new range).
        var moved = await Assert.ThrowsAsync<S3Exception>(() => Put(leader, "k-8"));
        Assert.Equal(S3ErrorCode.RangeMoved.Code, moved.Code.Code);

        // The new range on every member, started on the stores the split made.
        var members = Enumerable.Range(0, 3).Select(_ => new IPEndPoint(IPAddress.Loopback, Loopback.FreePort())).ToArray();
        var right = new RangeGroup("g2", members);
        var replicas = new List<RangeReplica>();
        try
        {
            for (var i = 0; i < 3; i++)
                replicas.Add(await RangeReplica.StartAsync(right, members[i], group.RangeFolder(i, "g2"),
                    new ShardStateMachine(StorageClassTable.Default, new DayClock(TimeProvider.System)), RangeGroupFixture.Patient));
            foreach (var replica in replicas)
            {
                Assert.Equal(new ShardSpan(point, null), replica.Span, SpanComparer);
                Assert.Equal(["k-5", "k-6", "k-7", "k-8", "k-9"], Keys(replica.Shard));
            }
            await replicas[0].WaitForLeaderAsync(RangeGroupFixture.Patience);
            var deadline = DateTime.UtcNow + RangeGroupFixture.Patience;
            while (!replicas.Any(r => r.IsLeader) && DateTime.UtcNow < deadline) await Task.Delay(20);
            var newLeader = replicas.First(r => r.IsLeader);
            var rightObjects = RangeGroupFixture.Objects(newLeader);
            Assert.Equal(77, (await rightObjects.GetCurrentAsync("b", "k-7"))!.Size);
            await rightObjects.PutAsync("b", "k-8", RangeGroupFixture.Draft(88)); // the bucket's copy came along
            Assert.Equal(88, (await rightObjects.GetCurrentAsync("b", "k-8"))!.Size);
            var refused = await Assert.ThrowsAsync<S3Exception>(() => Put(newLeader, "k-1"));
            Assert.Equal(S3ErrorCode.RangeMoved.Code, refused.Code.Code);
        }
        finally
        {
            foreach (var replica in replicas) await replica.DisposeAsync();
        }
    }

    /// <summary>A PUT straight to one range's shard, with no router to redirect it.</summary>
    private static Task<VersionRecord> Put(RangeReplica range, string key) =>
        range.Shard.ExecuteAsync(new PutVersion("b", key, RangeGroupFixture.Draft(), VersionIds.NewNonce()) { At = DateTimeOffset.UtcNow });

    /// <summary>The keys holding a current pointer in a replica's store, in order.</summary>
    private static List<string> Keys(ReplicatedIndexShard shard)
    {
        using var snapshot = shard.OpenSnapshot();
        var (from, to) = IndexKeys.ObjectsOfBucket("b");
        return snapshot.Scan(from, to)
            .Select(e => IndexKeys.ParseObjectRow(e.Key, "b"))
            .Where(r => r.Tag == ObjectRowTag.Current)
            .Select(r => System.Text.Encoding.UTF8.GetString(r.Key))
            .ToList();
    }

    private static readonly IEqualityComparer<ShardSpan> SpanComparer = EqualityComparer<ShardSpan>.Create(
        (a, b) => a!.Start.AsSpan().SequenceEqual(b!.Start) && RangeKeys.CompareEnd(a.End, b.End) == 0, s => s.Start.Length);
}
