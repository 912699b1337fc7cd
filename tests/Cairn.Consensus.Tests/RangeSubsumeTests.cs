using Cairn.Core.Errors;
using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Consensus.Tests;

/// <summary>
/// The right range of a merge, in a group of three: from its SubsumeShard entry on, every member owns no key, refuses
/// every command (object and bucket commands alike) with the answer of a range that moved, and writes nothing more, so
/// each member's store stands exactly as at the subsumption whichever later entry it applied; a retry of the subsumption
/// is answered with the same log index.
/// </summary>
public sealed class RangeSubsumeTests
{
    [Fact]
    public async Task A_subsumed_range_refuses_every_command_and_its_store_stays_as_it_was_at_the_subsumption()
    {
        await using var group = await RangeGroupFixture.StartAsync();
        var leader = await group.LeaderWithBucketAsync("b");
        var objects = RangeGroupFixture.Objects(leader);
        await RangeGroupFixture.PutManyAsync(objects, "k", 3);

        var subsume = new SubsumeShard([]) { At = DateTimeOffset.UtcNow, RequestId = "merge/g1/subsume" };
        var at = await leader.Shard.ExecuteAsync(subsume);
        await group.CaughtUpAsync();
        var before = group.Running.Select(Rows).ToList();

        var put = await Assert.ThrowsAsync<S3Exception>(() =>
            leader.Shard.ExecuteAsync(new PutVersion("b", "k-9", RangeGroupFixture.Draft(), VersionIds.NewNonce()) { At = DateTimeOffset.UtcNow, RequestId = "late-put" }));
        Assert.Equal(S3ErrorCode.RangeMoved.Code, put.Code.Code);
        var bucket = await Assert.ThrowsAsync<S3Exception>(() =>
            leader.Shard.ExecuteAsync(new PutBucketVersioning("b", Cairn.Index.Records.VersioningState.Enabled) { At = DateTimeOffset.UtcNow }));
        Assert.Equal(S3ErrorCode.RangeMoved.Code, bucket.Code.Code);
        Assert.Equal(at, await leader.Shard.ExecuteAsync(subsume)); // the retry meets the first outcome
        await group.CaughtUpAsync();

        foreach (var (member, rows) in group.Running.Zip(before))
        {
            Assert.True(Cairn.Consensus.RangeStateMachine.Subsumed(member.Span));
            Assert.True(member.AppliedIndex > at);
            Assert.Equal(rows, Rows(member));
            using var snapshot = await member.Shard.ReadAsync(ReadScope.SpanOnly);
            Assert.False(ShardSpan.Read(snapshot).Contains(Cairn.Core.Keys.RangeKeys.Point("b", "k-1")));
        }
    }

    /// <summary>Every row of a member's store but its applied index, which moves with every entry.</summary>
    private static List<string> Rows(RangeReplica member)
    {
        using var snapshot = member.Shard.OpenSnapshot();
        return snapshot.Scan([], [0xFF]).Where(r => !r.Key.AsSpan().SequenceEqual(IndexKeys.AppliedIndexKey()))
            .Select(r => Convert.ToHexString(r.Key) + "=" + Convert.ToHexString(r.Value)).ToList();
    }
}
