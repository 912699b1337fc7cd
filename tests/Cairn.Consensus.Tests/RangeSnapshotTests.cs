using Cairn.Index.Shards;
using System.Globalization;
using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.Consensus.Tests;

/// <summary>Raft snapshots of a range group: the log is cut at a checkpoint, and a member far behind installs it.</summary>
public sealed class RangeSnapshotTests
{
    private static readonly RangeReplicaOptions EveryTwenty = RangeGroupFixture.Patient with { SnapshotInterval = 20 };

    [Fact]
    public async Task After_more_commands_than_the_interval_the_log_is_cut_and_the_group_keeps_working()
    {
        // Page-sized log chunks: DotNext deletes whole chunks, and 150 small entries fit in one of the default size.
        await using var group = await RangeGroupFixture.StartAsync(replicaOptions: EveryTwenty with { NewLogChunkSize = Environment.SystemPageSize });
        var leader = await group.LeaderWithBucketAsync("b");
        var objects = RangeGroupFixture.Objects(leader);
        var member = group.IndexOf(leader);
        var firstPages = LogPages(group.Folder(member));
        // Ten at a time, every member caught up in between: none is ever half an interval behind. (Unpaced, on a
        // loaded machine, the member outside the commit quorum fell more than an interval behind once in ten
        // full runs, and then installing the leader's snapshot is right.)
        for (var i = 0; i < 150; i += 10)
        {
            await RangeGroupFixture.PutManyAsync(objects, $"key-{i}", 10);
            await group.CaughtUpAsync();
        }

        foreach (var replica in group.Running)
        {
            Assert.True(replica.SnapshotIndex >= 120, $"snapshot at {replica.SnapshotIndex}");
            // Each member checkpointed its own store: the log keeps an interval past its cut.
            Assert.Equal(0, replica.InstalledSnapshots);
        }
        // The log pages up to the snapshot are deleted (DotNext does it in the background, after a flush).
        await Eventually(() => LogPages(group.Folder(member)).Intersect(firstPages).Count() < firstPages.Count);
        // The snapshot and the newest checkpoint stay on disk; older ones are deleted once DotNext reclaims them.
        await Eventually(() => Directory.GetDirectories(Path.Combine(group.Folder(member), "snapshots")).Length <= 2);

        var after = await objects.PutAsync("b", "after", RangeGroupFixture.Draft());
        await group.CaughtUpAsync();
        foreach (var replica in group.Running)
            Assert.Equal(after.Sequence, (await RangeGroupFixture.Objects(replica).GetCurrentAsync("b", "after"))?.Sequence);
    }

    [Fact]
    public async Task A_member_fewer_entries_behind_than_the_interval_catches_up_from_the_log()
    {
        // The leader checkpoints at its applied index; were the log cut right there, a member behind it by a
        // single entry (the one not in the commit quorum, usually) would be sent the whole store.
        await using var group = await RangeGroupFixture.StartAsync(replicaOptions: EveryTwenty);
        var leader = await group.LeaderWithBucketAsync("b");
        var objects = RangeGroupFixture.Objects(leader);
        await RangeGroupFixture.PutManyAsync(objects, "before", 25);
        await group.CaughtUpAsync();
        Assert.True(leader.AppliedIndex is > 20 and < 40, $"applied {leader.AppliedIndex}");

        // Down past the leader's next checkpoint, but less than an interval behind it.
        var follower = await group.WhileAFollowerIsDownAsync(leader, () => RangeGroupFixture.PutManyAsync(objects, "while-down", 15));
        Assert.True(leader.AppliedIndex >= 40, $"applied {leader.AppliedIndex}");

        Assert.Equal(0, group[follower].InstalledSnapshots);
        Assert.Equal(RangeGroupFixture.Contents(leader.Shard), RangeGroupFixture.Contents(group[follower].Shard));
    }

    [Fact]
    public async Task A_member_stopped_past_the_cut_catches_up_by_snapshot_and_tail_and_equals_the_leader()
    {
        await using var group = await RangeGroupFixture.StartAsync(replicaOptions: EveryTwenty);
        var leader = await group.LeaderWithBucketAsync("b");
        var objects = RangeGroupFixture.Objects(leader);
        await RangeGroupFixture.PutManyAsync(objects, "before", 10);
        await group.CaughtUpAsync();

        var follower = await group.WhileAFollowerIsDownAsync(leader, () => PutPastTheCutAsync(leader, "while-down", 100));
        // A restarted member may start an election: ask for the leader again.
        leader = await group.LeaderAsync();
        await RangeGroupFixture.PutManyAsync(RangeGroupFixture.Objects(leader), "after", 5);
        await group.CaughtUpAsync();

        Assert.Equal(1, group[follower].InstalledSnapshots);
        Assert.True(group[follower].SnapshotIndex > 40, $"snapshot at {group[follower].SnapshotIndex}");
        Assert.Equal(RangeGroupFixture.Contents(leader.Shard), RangeGroupFixture.Contents(group[follower].Shard));
    }

    [Fact]
    public async Task A_member_restarted_right_after_installing_a_snapshot_comes_back_with_the_same_state()
    {
        await using var group = await RangeGroupFixture.StartAsync(replicaOptions: EveryTwenty);
        var leader = await group.LeaderWithBucketAsync("b");
        var follower = await group.WhileAFollowerIsDownAsync(leader, () => PutPastTheCutAsync(leader, "key", 80));
        Assert.Equal(1, group[follower].InstalledSnapshots);
        var installed = RangeGroupFixture.Contents(group[follower].Shard);
        var applied = group[follower].AppliedIndex;
        await group.StopAsync(follower);
        await group.StartAsync(follower);

        Assert.Equal(installed, RangeGroupFixture.Contents(group[follower].Shard));
        Assert.Equal(applied, group[follower].AppliedIndex);
        Assert.InRange(group[follower].SnapshotIndex, 41, applied);
        leader = await group.LeaderAsync();
        await RangeGroupFixture.Objects(leader).PutAsync("b", "after-restart", RangeGroupFixture.Draft());
        await group.CaughtUpAsync();
        Assert.Equal(RangeGroupFixture.Contents(leader.Shard), RangeGroupFixture.Contents(group[follower].Shard));
    }

    [Fact]
    public async Task A_request_id_applied_before_the_snapshot_is_deduplicated_on_a_member_that_installed_it()
    {
        await using var group = await RangeGroupFixture.StartAsync(replicaOptions: EveryTwenty);
        var leader = await group.LeaderWithBucketAsync("b");
        await new Index.Buckets.BucketCatalog(Index.Shards.IndexRouter.Single(leader.Shard), TimeProvider.System).PutVersioningAsync("b", VersioningState.Enabled);
        var put = new PutVersion("b", "k", RangeGroupFixture.Draft(), VersionIds.NewNonce()) { At = DateTimeOffset.UtcNow, RequestId = "put-1" };
        VersionRecord? first = null;
        var follower = await group.WhileAFollowerIsDownAsync(leader, async () =>
        {
            first = await leader.Shard.ExecuteAsync(put);
            await PutPastTheCutAsync(leader, "filler", 80);
        });
        Assert.Equal(1, group[follower].InstalledSnapshots);

        // The retry is a new log entry every member applies: the installing member dedupes it from the
        // outcome row the snapshot carried, or it would store a second version.
        leader = await group.LeaderAsync();
        var retry = await leader.Shard.ExecuteAsync(put with { At = DateTimeOffset.UtcNow.AddSeconds(1) });
        await group.CaughtUpAsync();

        Assert.Equal(first!.VersionId, retry.VersionId);
        Assert.Equal(first.Sequence, retry.Sequence);
        Assert.Single(await RangeGroupFixture.Objects(group[follower]).VersionsAsync("b", "k"));
        Assert.NotNull(StoredOutcome(group[follower], "put-1"));
        Assert.Equal(RangeGroupFixture.Contents(leader.Shard), RangeGroupFixture.Contents(group[follower].Shard));
    }

    [Fact]
    public async Task A_member_that_crashes_once_the_installed_store_is_named_restarts_with_it()
    {
        var (group, follower, installedAt) = await CrashDuringInstallAsync(InstallStep.StoreReplaced);
        await using (group)
        {
            var restarted = group[follower];
            Assert.Equal(installedAt, restarted.AppliedIndex);
            Assert.Equal(installedAt, restarted.SnapshotIndex);
            await CatchesUpAsync(group, follower);
            Assert.Equal(0, group[follower].InstalledSnapshots); // the tail came from the log
        }
    }

    [Fact]
    public async Task A_member_that_crashes_before_the_installed_store_is_named_restarts_with_its_old_store_and_installs_again()
    {
        var (group, follower, installedAt) = await CrashDuringInstallAsync(InstallStep.CheckpointSaved);
        await using (group)
        {
            // The old store, and no snapshot above it: the checkpoint of the received store is gone.
            var restarted = group[follower];
            Assert.True(restarted.AppliedIndex < installedAt, $"applied {restarted.AppliedIndex}");
            Assert.True(restarted.SnapshotIndex <= restarted.AppliedIndex, $"snapshot {restarted.SnapshotIndex} above applied {restarted.AppliedIndex}");
            Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(group.Folder(follower), "snapshots")),
                path => long.Parse(Path.GetFileName(path).Split('-')[0], CultureInfo.InvariantCulture) > restarted.AppliedIndex);
            await CatchesUpAsync(group, follower);
            Assert.Equal(1, group[follower].InstalledSnapshots);
        }
    }

    /// <summary>
    /// Stops a follower, cuts the leader's log past it, starts it again and takes an image of its folder on the
    /// apply path right after <paramref name="step"/> of its snapshot install (what a crash there would leave),
    /// then lets the install finish, stops the member and starts it from that image. Returns the group, the
    /// member and the index of the snapshot it was installing.
    /// </summary>
    private static async Task<(RangeGroupFixture Group, int Follower, long InstalledAt)> CrashDuringInstallAsync(InstallStep step)
    {
        var group = await RangeGroupFixture.StartAsync(replicaOptions: EveryTwenty);
        try
        {
            var leader = await group.LeaderWithBucketAsync("b");
            await RangeGroupFixture.PutManyAsync(RangeGroupFixture.Objects(leader), "before", 5);
            await group.CaughtUpAsync();
            var follower = group.IndexOf(group.Running.First(r => r != leader));
            await group.StopAsync(follower);
            await PutPastTheCutAsync(leader, "while-down", 80);

            var image = group.ImagePath(follower, "crash");
            var images = 0;
            var installedAt = 0L;
            await group.StartAsync(follower, EveryTwenty with
            {
                InstallProbe = (reached, index) =>
                {
                    if (reached != step || Interlocked.Increment(ref images) != 1) return;
                    installedAt = index;
                    group.TakeImage(follower, image);
                },
            });
            await group.CaughtUpAsync();
            Assert.Equal(1, images);
            Assert.Equal(1, group[follower].InstalledSnapshots);
            Assert.True(installedAt > 40, $"installed at {installedAt}");

            await group.StopAsync(follower);
            group.UseImage(follower, image);
            await group.StartAsync(follower);
            return (group, follower, installedAt);
        }
        catch
        {
            await group.DisposeAsync();
            throw;
        }
    }

    /// <summary>The restarted member rejoins, takes a new command and ends equal to the leader.</summary>
    private static async Task CatchesUpAsync(RangeGroupFixture group, int member)
    {
        var leader = await group.LeaderAsync();
        await RangeGroupFixture.Objects(leader).PutAsync("b", "after-crash", RangeGroupFixture.Draft());
        await group.CaughtUpAsync();
        Assert.Equal(RangeGroupFixture.Contents(leader.Shard), RangeGroupFixture.Contents(group[member].Shard));
    }

    /// <summary>
    /// Puts enough objects through the leader that it cuts its log past where a stopped member is: the cut trails
    /// the newest checkpoint by an interval, so 80 puts at an interval of 20 cut it at 60.
    /// </summary>
    private static async Task PutPastTheCutAsync(RangeReplica leader, string prefix, int count)
    {
        await RangeGroupFixture.PutManyAsync(RangeGroupFixture.Objects(leader), prefix, count);
        await Eventually(() => leader.SnapshotIndex > 40);
    }

    private static string? StoredOutcome(RangeReplica replica, string requestId)
    {
        using var snapshot = replica.Shard.OpenSnapshot();
        return snapshot.Get(IndexKeys.RequestKey(requestId)) is { } outcome ? Convert.ToHexString(outcome) : null;
    }

    /// <summary>The WAL's data and metadata page files of a member.</summary>
    private static List<string> LogPages(string folder) =>
        [.. Directory.EnumerateFiles(Path.Combine(folder, "raft"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f))];

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + RangeGroupFixture.Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not hold in time.");
            await Task.Delay(20);
        }
    }
}
