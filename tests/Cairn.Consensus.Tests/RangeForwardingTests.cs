using Cairn.Index.Shards;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Cairn.Core.Errors;
using Cairn.Index.Buckets;
using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Transport;
using Xunit.Abstractions;

namespace Cairn.Consensus.Tests;

public sealed class RangeForwardingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Commands_through_followers_answer_as_on_the_leader_and_apply_once_everywhere()
    {
        await using var group = await RangeGroupFixture.StartAsync();
        var leader = await group.LeaderAsync();
        var followers = group.Running.Where(r => r != leader).ToList();

        // Bucket commands through a follower: the result is the record the leader's apply made.
        var created = await new BucketCatalog(IndexRouter.Single(followers[0].Shard), TimeProvider.System).CreateAsync("b", "owner", "us-east-1");
        await new BucketCatalog(IndexRouter.Single(followers[1].Shard), TimeProvider.System).PutVersioningAsync("b", VersioningState.Enabled);
        Assert.Equal(created.Name, (await new BucketCatalog(IndexRouter.Single(leader.Shard), TimeProvider.System).GetAsync("b"))?.Name);

        // Puts through each follower and through the leader.
        var puts = new List<(string Key, VersionRecord Version)>();
        foreach (var member in group.Running)
            for (var i = 0; i < 5; i++)
                puts.Add(($"k-{group.IndexOf(member)}-{i}", await RangeGroupFixture.Objects(member).PutAsync("b", $"k-{group.IndexOf(member)}-{i}", RangeGroupFixture.Draft(i))));

        // Refusals reach a follower's caller as the same typed S3 error as the leader's.
        var condition = new ObjectCondition { IfMatch = "\"not-the-etag\"" };
        foreach (var (bucket, code, put) in new (string, S3ErrorCode, Func<RangeReplica, Task>)[]
        {
            ("b", S3ErrorCode.PreconditionFailed, m => RangeGroupFixture.Objects(m).PutAsync("b", "k-0-0", RangeGroupFixture.Draft(), condition)),
            ("missing", S3ErrorCode.NoSuchBucket, m => RangeGroupFixture.Objects(m).PutAsync("missing", "k", RangeGroupFixture.Draft())),
            ("b", S3ErrorCode.BucketAlreadyOwnedByYou, m => new BucketCatalog(IndexRouter.Single(m.Shard), TimeProvider.System).CreateAsync("b", "owner", "us-east-1")),
        })
        {
            var onLeader = await Assert.ThrowsAsync<S3Exception>(() => put(leader));
            Assert.Equal(code, onLeader.Code);
            foreach (var follower in followers)
            {
                var forwarded = await Assert.ThrowsAsync<S3Exception>(() => put(follower));
                Assert.Equal((onLeader.Code.Code, onLeader.Code.Status, onLeader.Message, onLeader.Resource),
                    (forwarded.Code.Code, forwarded.Code.Status, forwarded.Message, forwarded.Resource));
            }
        }

        await group.CaughtUpAsync();
        var expected = RangeGroupFixture.Contents(leader.Shard);
        foreach (var replica in group.Running)
        {
            Assert.Equal(expected, RangeGroupFixture.Contents(replica.Shard));
            var objects = RangeGroupFixture.Objects(replica);
            foreach (var (key, version) in puts)
                Assert.Equal(version.VersionId, Assert.Single(await objects.VersionsAsync("b", key)).VersionId);
        }
    }

    [Theory]
    [InlineData(10_000)] // the default: every issuer outlasts the election
    [InlineData(300)] // shorter than the election: the issuers of the gap get unknown outcomes and retry them
    public async Task Killing_the_leader_under_forwarded_puts_loses_nothing_acknowledged_and_applies_each_request_once(int deadlineMs)
    {
        await using var group = await RangeGroupFixture.StartAsync(options: new RangeForwardingOptions { Deadline = TimeSpan.FromMilliseconds(deadlineMs) });
        var leader = await group.LeaderWithBucketAsync("b");
        await new BucketCatalog(IndexRouter.Single(leader.Shard), TimeProvider.System).PutVersioningAsync("b", VersioningState.Enabled);
        await group.CaughtUpAsync();
        var followers = group.Running.Where(r => r != leader).ToList();

        var acknowledged = new ConcurrentDictionary<string, VersionRecord>();
        var unknown = new ConcurrentDictionary<string, PutVersion>();
        var failures = new ConcurrentQueue<Exception>();
        using var stop = new CancellationTokenSource();
        var issued = 0;
        var spanning = 0; // issued before the kill, answered after it: their first attempt met the dying leader
        var killed = new TaskCompletionSource();
        var issuers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var shard = followers[w % 2].Shard;
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var put = new PutVersion("b", $"w{w}-{i}", RangeGroupFixture.Draft(i), VersionIds.NewNonce()) { At = DateTimeOffset.UtcNow, RequestId = $"w{w}-{i}" };
                Interlocked.Increment(ref issued);
                var beforeKill = !killed.Task.IsCompleted;
                try
                {
                    acknowledged[put.RequestId!] = await shard.ExecuteAsync(put);
                    if (beforeKill && killed.Task.IsCompleted) Interlocked.Increment(ref spanning);
                }
                catch (CommandOutcomeUnknownException)
                {
                    unknown[put.RequestId!] = put;
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            }
        })).ToList();

        while (Volatile.Read(ref issued) < 100) await Task.Delay(10);
        var killedAt = Stopwatch.StartNew();
        await group.StopAsync(group.IndexOf(leader));
        killed.SetResult();
        var successor = await group.LeaderAsync();
        // Keep issuing until the successor has taken some commands too.
        var before = acknowledged.Count;
        while (acknowledged.Count < before + 100 && killedAt.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(10);
        await stop.CancelAsync();
        await Task.WhenAll(issuers);

        output.WriteLine($"issued {issued}, acknowledged {acknowledged.Count} ({acknowledged.Count - before} after the kill), " +
            $"{spanning} across it, {unknown.Count} unknown; successor after {killedAt.ElapsedMilliseconds} ms");
        Assert.Empty(failures);
        Assert.True(acknowledged.Count >= before + 100, $"the successor took commands ({acknowledged.Count - before} after the kill)");
        // An unknown outcome is settled by retrying the same request id: applied at most once, then acknowledged.
        foreach (var (id, put) in unknown) acknowledged[id] = await followers[0].Shard.ExecuteAsync(put with { At = DateTimeOffset.UtcNow });

        await group.CaughtUpAsync();
        var objects = RangeGroupFixture.Objects(successor);
        foreach (var (id, version) in acknowledged)
            Assert.Equal(version.VersionId, Assert.Single(await objects.VersionsAsync("b", id)).VersionId);
        Assert.Equal(RangeGroupFixture.Contents(successor.Shard), RangeGroupFixture.Contents(group.Running.First(r => r != successor).Shard));
    }

    [Fact]
    public async Task A_forwarded_command_without_the_cluster_secret_is_refused_and_applies_nothing()
    {
        await using var group = await RangeGroupFixture.StartAsync();
        var leader = await group.LeaderAsync();
        await group.CaughtUpAsync();
        var before = RangeGroupFixture.Contents(leader.Shard);
        var url = new Uri(group.ClusterUrls[group.IndexOf(leader)], "cluster/v1/ranges/range-1/commands");
        var body = CommandCodec.Encode(new CreateBucket("b", "owner", "us-east-1") { At = DateTimeOffset.UtcNow, RequestId = "stranger-1" });

        using var plain = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var unsigned = await plain.PostAsync(url, new ByteArrayContent(body));
        using var wrong = ClusterHttp.CreateClient(new ClusterSecret(RandomNumberGenerator.GetBytes(32)));
        using var badlySigned = await wrong.PostAsync(url, new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, badlySigned.StatusCode);
        await group.CaughtUpAsync();
        Assert.Equal(before, RangeGroupFixture.Contents(leader.Shard));
        Assert.Null(await new BucketCatalog(IndexRouter.Single(leader.Shard), TimeProvider.System).GetAsync("b"));
    }

    [Fact]
    public async Task A_follower_without_a_leader_gives_up_at_the_deadline_with_an_unknown_outcome()
    {
        var deadline = TimeSpan.FromSeconds(2);
        await using var group = await RangeGroupFixture.StartAsync(options: new RangeForwardingOptions { Deadline = deadline, AttemptTimeout = TimeSpan.FromMilliseconds(500) });
        var leader = await group.LeaderWithBucketAsync("b");
        var follower = group.Running.First(r => r != leader);
        foreach (var other in group.Running.Where(r => r != follower).ToList()) await group.StopAsync(group.IndexOf(other));

        var put = new PutVersion("b", "k", RangeGroupFixture.Draft(), VersionIds.NewNonce()) { At = DateTimeOffset.UtcNow, RequestId = "alone-1" };
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<CommandOutcomeUnknownException>(() => follower.Shard.ExecuteAsync(put));

        Assert.Equal("alone-1", e.RequestId);
        Assert.InRange(clock.Elapsed, deadline - TimeSpan.FromMilliseconds(100), deadline + TimeSpan.FromSeconds(2));
    }
}
