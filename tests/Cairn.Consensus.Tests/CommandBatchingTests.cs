using Cairn.Index.Shards;
using Cairn.Core.Errors;
using Cairn.Index.Buckets;
using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.Consensus.Tests;

/// <summary>
/// Group commit on a range leader (<see cref="CommandBatcher"/>): commands that arrive while an entry commits share
/// the next entry, and each still gets its own outcome. <see cref="HeldBatches"/> holds the leader's next append
/// until the commands meant to share the following entry are queued, so which command lands in which entry is
/// decided by the test, not by timing.
/// </summary>
public sealed class CommandBatchingTests
{
    [Fact]
    public async Task Commands_queued_behind_an_entry_share_the_next_one_and_each_caller_gets_its_own_outcome()
    {
        var held = new HeldBatches();
        await using var group = await RangeGroupFixture.StartAsync(replicaOptions: held.Options);
        var leader = await group.LeaderWithBucketAsync("b");
        await group.CaughtUpAsync();
        var before = leader.AppliedIndex;

        var first = held.HoldNext(() => leader.Shard.ExecuteAsync(Put("b", "first")));
        await held.Holding;
        // Queued while the first entry waits: good puts and puts to a bucket that does not exist, interleaved.
        var puts = Enumerable.Range(0, 20).Select(i => leader.Shard.ExecuteAsync(Put("b", $"k-{i}"))).ToList();
        var refused = Enumerable.Range(0, 5).Select(i => leader.Shard.ExecuteAsync(Put("missing", $"k-{i}"))).ToList();
        held.Release();

        var versions = await Task.WhenAll(puts);
        await first;
        foreach (var put in refused) Assert.Equal(S3ErrorCode.NoSuchBucket, (await Assert.ThrowsAsync<S3Exception>(() => put)).Code);
        Assert.Equal(new[] { 1, 25 }, held.Sizes);
        Assert.Equal(before + 2, leader.AppliedIndex);
        // Each caller has its own command's version, and the refusals left the others' writes alone.
        Assert.Equal(20, versions.Select(v => v.Sequence).Distinct().Count());
        var objects = RangeGroupFixture.Objects(leader);
        for (var i = 0; i < 20; i++) Assert.Equal(versions[i].VersionId, (await objects.GetCurrentAsync("b", $"k-{i}"))?.VersionId);
        await group.CaughtUpAsync();
        Assert.All(group.Running, r => Assert.Equal(RangeGroupFixture.Contents(leader.Shard), RangeGroupFixture.Contents(r.Shard)));
    }

    [Fact]
    public async Task A_request_id_sent_twice_in_one_batch_is_applied_once_and_both_callers_get_its_outcome()
    {
        var held = new HeldBatches();
        await using var group = await RangeGroupFixture.StartAsync(replicaOptions: held.Options);
        var leader = await group.LeaderWithBucketAsync("b");
        await new BucketCatalog(IndexRouter.Single(leader.Shard), TimeProvider.System).PutVersioningAsync("b", VersioningState.Enabled);
        var put = Put("b", "k") with { RequestId = "put-twice" };

        var first = held.HoldNext(() => leader.Shard.ExecuteAsync(Put("b", "first")));
        await held.Holding;
        var original = leader.Shard.ExecuteAsync(put);
        // The issuer's retry (its reply was lost, say) lands in the same batch as the original.
        var retry = leader.Shard.ExecuteAsync(put with { At = DateTimeOffset.UtcNow.AddSeconds(1) });
        var other = leader.Shard.ExecuteAsync(Put("b", "other"));
        held.Release();
        await first;

        Assert.Equal(new[] { 1, 3 }, held.Sizes);
        var (a, b) = (await original, await retry);
        Assert.Equal(a.VersionId, b.VersionId);
        Assert.Equal(a.Sequence, b.Sequence);
        Assert.NotEqual(a.VersionId, (await other).VersionId);
        Assert.Single(await RangeGroupFixture.Objects(leader).VersionsAsync("b", "k"));
        // A later retry, in an entry of its own, is answered from the same stored outcome.
        Assert.Equal(a.VersionId, (await leader.Shard.ExecuteAsync(put with { At = DateTimeOffset.UtcNow.AddSeconds(2) })).VersionId);
        Assert.Single(await RangeGroupFixture.Objects(leader).VersionsAsync("b", "k"));
    }

    [Fact]
    public async Task Commands_forwarded_by_followers_join_the_leaders_batches()
    {
        var held = new HeldBatches();
        await using var group = await RangeGroupFixture.StartAsync(replicaOptions: held.Options);
        var leader = await group.LeaderWithBucketAsync("b");
        var followers = group.Running.Where(r => r != leader).ToList();
        await group.CaughtUpAsync();
        held.Sizes.Clear();

        var puts = Enumerable.Range(0, 32).Select(i => followers[i % 2].Shard.ExecuteAsync(Put("b", $"f-{i}"))).ToList();
        var versions = await Task.WhenAll(puts);

        Assert.Equal(32, held.Sizes.Sum());
        Assert.True(held.Sizes.Count < 32, $"32 forwarded commands took {held.Sizes.Count} entries");
        for (var i = 0; i < 32; i++) Assert.Equal(versions[i].VersionId, (await RangeGroupFixture.Objects(leader).GetCurrentAsync("b", $"f-{i}"))?.VersionId);
    }

    [Fact]
    public async Task A_member_rebuilt_from_its_log_replays_batched_entries_to_the_same_state()
    {
        var held = new HeldBatches();
        await using var group = await RangeGroupFixture.StartAsync(replicaOptions: held.Options);
        var leader = await group.LeaderWithBucketAsync("b");
        await BatchesOfPutsAsync(leader, held, "batched");
        await group.CaughtUpAsync();
        var expected = RangeGroupFixture.Contents(leader.Shard);

        // Without its store a member applies its whole log again at start: single-command and batched entries alike.
        var follower = group.IndexOf(group.Running.First(r => r != leader));
        await group.StopAsync(follower);
        Directory.Delete(Path.Combine(group.Folder(follower), "index"), recursive: true);
        await group.StartAsync(follower);
        await group.CaughtUpAsync();

        Assert.Equal(expected, RangeGroupFixture.Contents(group[follower].Shard));
        Assert.NotNull(await RangeGroupFixture.Objects(group[follower]).GetCurrentAsync("b", "batched-3-7"));
    }

    [Fact]
    public async Task A_log_written_in_page_sized_chunks_before_the_upgrade_still_replays_and_grows()
    {
        // Before, every member's log had DotNext's default chunks of one memory page.
        await using var group = await RangeGroupFixture.StartAsync(replicaOptions: RangeGroupFixture.Patient with { NewLogChunkSize = Environment.SystemPageSize });
        var leader = await group.LeaderWithBucketAsync("b");
        var objects = RangeGroupFixture.Objects(leader);
        for (var i = 0; i < 30; i++) await objects.PutAsync("b", $"old-{i}", RangeGroupFixture.Draft(3000));
        await group.CaughtUpAsync();
        var expected = RangeGroupFixture.Contents(leader.Shard);

        for (var member = 0; member < 3; member++) await group.StopAsync(member);
        Directory.Delete(Path.Combine(group.Folder(0), "index"), recursive: true);
        for (var member = 0; member < 3; member++) await group.StartAsync(member, RangeGroupFixture.Patient);
        await group.CaughtUpAsync();

        for (var member = 0; member < 3; member++)
        {
            Assert.Equal(Environment.SystemPageSize, RaftLogFiles.ChunkSizeOf(Path.Combine(group.Folder(member), "raft")));
            Assert.Equal(expected, RangeGroupFixture.Contents(group[member].Shard));
        }
        var after = RangeGroupFixture.Objects(await group.LeaderAsync());
        for (var i = 0; i < 10; i++) await after.PutAsync("b", $"new-{i}", RangeGroupFixture.Draft(3000));
        await group.CaughtUpAsync();
        Assert.All(group.Running, r => Assert.Equal(RangeGroupFixture.Contents(group[0].Shard), RangeGroupFixture.Contents(r.Shard)));
    }

    [Fact]
    public void A_lone_command_is_its_own_payload_and_a_batch_reads_back_in_order()
    {
        byte[] one = [.. "{\"a\":1}"u8], two = [.. "{\"b\":22}"u8], empty = [];
        Assert.Equal(new[] { one }, Commands(one));

        ReadOnlyMemory<byte>[] batch = [one, two, empty];
        var payload = new byte[CommandBatch.EncodedLength(batch)];
        Assert.Equal(payload.Length, CommandBatch.Write(payload, batch));
        Assert.Equal(CommandBatch.Marker, payload[0]);
        Assert.Equal(new[] { one, two, empty }, Commands(payload));

        Assert.Throws<InvalidDataException>(() => Commands(payload[..^3]));
        Assert.Throws<InvalidDataException>(() => Commands([.. payload, 0]));
    }

    private static List<byte[]> Commands(byte[] payload)
    {
        var commands = new List<byte[]>();
        foreach (var command in CommandBatch.Read(payload)) commands.Add(command.ToArray());
        return commands;
    }

    /// <summary>Four entries of eight puts each (plus the lone puts that held them), named <c>{prefix}-{batch}-{i}</c>.</summary>
    private static async Task BatchesOfPutsAsync(RangeReplica leader, HeldBatches held, string prefix)
    {
        for (var batch = 0; batch < 4; batch++)
        {
            var first = held.HoldNext(() => leader.Shard.ExecuteAsync(Put("b", $"{prefix}-{batch}-lone")));
            await held.Holding;
            var puts = Enumerable.Range(0, 8).Select(i => leader.Shard.ExecuteAsync(Put("b", $"{prefix}-{batch}-{i}"))).ToList();
            held.Release();
            await first;
            await Task.WhenAll(puts);
            Assert.Equal(8, held.Sizes[^1]);
        }
    }

    private static PutVersion Put(string bucket, string key) =>
        new(bucket, key, RangeGroupFixture.Draft(), VersionIds.NewNonce()) { At = DateTimeOffset.UtcNow };

    /// <summary>
    /// Records every batch the leader appends, and can hold the next append until released, so that commands sent
    /// meanwhile queue behind it. Commands sent to the leader's shard are queued by the time the call returns.
    /// </summary>
    private sealed class HeldBatches
    {
        private TaskCompletionSource? holding;
        private TaskCompletionSource? release;

        public HeldBatches() => Options = RangeGroupFixture.Patient with { BatchProbe = ProbeAsync };

        public RangeReplicaOptions Options { get; }

        public List<int> Sizes { get; private set; } = [];

        /// <summary>Completes once the held append is waiting.</summary>
        public Task Holding => holding?.Task ?? throw new InvalidOperationException("Nothing is being held.");

        /// <summary>Runs <paramref name="command"/>, whose append (the next one) is held until <see cref="Release"/>.</summary>
        public Task<T> HoldNext<T>(Func<Task<T>> command)
        {
            holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Sizes = [];
            return command();
        }

        public void Release() => release?.TrySetResult();

        private async Task ProbeAsync(int count)
        {
            lock (this) Sizes.Add(count);
            if (holding is { Task.IsCompleted: false } waiting && release is { } gate)
            {
                waiting.TrySetResult();
                await gate.Task;
            }
        }
    }
}
