using Cairn.Core.Errors;
using Cairn.Core.Time;
using Cairn.Index.Buckets;
using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Index.Shards;
using Microsoft.Extensions.Time.Testing;

namespace Cairn.Index.Tests;

/// <summary>
/// The closing a DeleteBucket over several ranges puts on each range first: refused where objects remain, it then
/// refuses object writes whatever their clocks say, only the delete of the same fence goes through, and it lapses after a
/// minute of elapsed time on the node leading the range, which reopens it.
/// </summary>
public sealed class BucketClosingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static async Task<S3ErrorCode> RefusalAsync(Func<Task> call) => (await Assert.ThrowsAsync<S3Exception>(call)).Code;

    private static PutVersion Put(string bucket, string key, DateTimeOffset at) => new(bucket, key, IndexFixture.Draft(), VersionIds.NewNonce()) { At = at };

    [Fact]
    public async Task A_range_holding_a_version_refuses_to_close_and_stays_writable()
    {
        await using var index = new IndexFixture();
        await index.Shard.ExecuteAsync(new CreateBucket("b", "o", "r") { At = T0 });
        await index.Shard.ExecuteAsync(Put("b", "k", T0));

        Assert.Equal(S3ErrorCode.BucketNotEmpty, await RefusalAsync(() => index.Shard.ExecuteAsync(new CloseBucket("b", "f1") { At = T0 })));
        await index.Shard.ExecuteAsync(Put("b", "k2", T0.AddSeconds(1)));
    }

    [Fact]
    public async Task A_closed_range_refuses_object_writes_and_every_delete_but_its_own_fence()
    {
        await using var index = new IndexFixture();
        await index.Shard.ExecuteAsync(new CreateBucket("b", "o", "r") { At = T0 });
        await index.Shard.ExecuteAsync(new CloseBucket("b", "f1") { At = T0 });

        Assert.Equal(S3ErrorCode.OperationAborted, await RefusalAsync(() => index.Shard.ExecuteAsync(Put("b", "k", T0.AddSeconds(1)))));
        Assert.Equal(S3ErrorCode.OperationAborted, await RefusalAsync(() => index.Shard.ExecuteAsync(
            new CreateUpload("b", "k", new UploadRecord { UploadId = "", Key = "k", Initiated = T0 }, "n1") { At = T0.AddSeconds(1) })));
        Assert.Equal(S3ErrorCode.OperationAborted, await RefusalAsync(() => index.Shard.ExecuteAsync(new DeleteBucket("b") { Fence = "f2", At = T0.AddSeconds(2) })));

        await index.Shard.ExecuteAsync(new DeleteBucket("b") { Fence = "f1", At = T0.AddSeconds(3) });
        Assert.Null(await index.Buckets.GetAsync("b"));
    }

    [Fact]
    public async Task Reopened_the_range_takes_writes_again_and_the_old_fence_deletes_nothing()
    {
        await using var index = new IndexFixture();
        await index.Shard.ExecuteAsync(new CreateBucket("b", "o", "r") { At = T0 });
        await index.Shard.ExecuteAsync(new CloseBucket("b", "f1") { At = T0 });
        await index.Shard.ExecuteAsync(new ReopenBucket("b", "other") { At = T0 });
        Assert.Equal(S3ErrorCode.OperationAborted, await RefusalAsync(() => index.Shard.ExecuteAsync(Put("b", "k", T0.AddSeconds(1)))));

        await index.Shard.ExecuteAsync(new ReopenBucket("b", "f1") { At = T0.AddSeconds(1) });
        await index.Shard.ExecuteAsync(Put("b", "k", T0.AddSeconds(2)));
        Assert.Equal(S3ErrorCode.OperationAborted, await RefusalAsync(() => index.Shard.ExecuteAsync(new DeleteBucket("b") { Fence = "f1", At = T0.AddSeconds(3) })));
        Assert.NotNull(await index.Objects.GetCurrentAsync("b", "k"));
    }

    [Fact]
    public async Task A_closing_holds_against_writes_whose_clock_runs_minutes_ahead_and_its_delete_goes_through()
    {
        await using var index = new IndexFixture();
        await index.Shard.ExecuteAsync(new CreateBucket("b", "o", "r") { At = T0 });
        await index.Shard.ExecuteAsync(new CloseBucket("b", "f1") { At = T0 });

        // A node ten minutes ahead: its write must not end a closing whose delete may be under way in other ranges.
        Assert.Equal(S3ErrorCode.OperationAborted, await RefusalAsync(() => index.Shard.ExecuteAsync(Put("b", "k", T0.AddMinutes(10)))));
        Assert.Equal(S3ErrorCode.OperationAborted, await RefusalAsync(() => index.Shard.ExecuteAsync(Put("b", "k", T0.AddDays(365)))));

        await index.Shard.ExecuteAsync(new DeleteBucket("b") { Fence = "f1", At = T0.AddSeconds(1) });
        Assert.Null(await index.Buckets.GetAsync("b"));
    }

    [Fact]
    public async Task A_closing_lapses_after_a_minute_of_elapsed_time_on_the_node_tending_the_range_and_its_delete_is_then_refused()
    {
        await using var index = new IndexFixture();
        var time = new FakeTimeProvider(T0);
        var closings = new StalledClosings(IndexRouter.Single(index.Shard), time);
        await index.Shard.ExecuteAsync(new CreateBucket("b", "o", "r") { At = T0 });
        await index.Shard.ExecuteAsync(new CloseBucket("b", "f1") { At = T0 });

        Assert.Equal(0, await closings.ReopenAsync(_ => true)); // first seen: the lapse counts from here
        time.Advance(Closing.Lapse - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await closings.ReopenAsync(_ => true));
        Assert.Equal(S3ErrorCode.OperationAborted, await RefusalAsync(() => index.Shard.ExecuteAsync(Put("b", "k", T0.AddMinutes(30)))));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await closings.ReopenAsync(_ => true));
        await index.Shard.ExecuteAsync(Put("b", "k", T0));
        Assert.Equal(S3ErrorCode.OperationAborted, await RefusalAsync(() => index.Shard.ExecuteAsync(new DeleteBucket("b") { Fence = "f1", At = T0 })));
        Assert.NotNull(await index.Objects.GetCurrentAsync("b", "k"));
    }

    [Fact]
    public async Task A_closing_is_timed_by_elapsed_time_alone_and_only_where_the_range_is_tended()
    {
        await using var index = new IndexFixture();
        await index.Shard.ExecuteAsync(new CreateBucket("b", "o", "r") { At = T0 });
        await index.Shard.ExecuteAsync(new CloseBucket("b", "f1") { At = T0 });

        // A node whose wall clock runs a day ahead still waits the lapse of elapsed time.
        var ahead = new StalledClosings(IndexRouter.Single(index.Shard), new OffsetTimeProvider(TimeSpan.FromDays(1)));
        Assert.Equal(0, await ahead.ReopenAsync(_ => true));
        Assert.Equal(0, await ahead.ReopenAsync(_ => true));

        // A node that does not lead the range leaves its closing alone, however long it waits.
        var time = new FakeTimeProvider(T0);
        var follower = new StalledClosings(IndexRouter.Single(index.Shard), time);
        Assert.Equal(0, await follower.ReopenAsync(_ => false));
        time.Advance(Closing.Lapse * 10);
        Assert.Equal(0, await follower.ReopenAsync(_ => false));
        Assert.Equal(S3ErrorCode.OperationAborted, await RefusalAsync(() => index.Shard.ExecuteAsync(Put("b", "k", T0))));
    }
}
