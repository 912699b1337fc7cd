using Cairn.Core.Errors;
using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.Index.Tests;

/// <summary>
/// The closing a DeleteBucket over several ranges puts on each range first: refused where objects remain, it then
/// refuses object writes, only the delete of the same fence goes through, and it lapses by the commands' own clocks.
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
    public async Task A_closing_lapses_by_the_clock_of_the_writes_and_its_delete_is_then_refused()
    {
        await using var index = new IndexFixture();
        await index.Shard.ExecuteAsync(new CreateBucket("b", "o", "r") { At = T0 });
        await index.Shard.ExecuteAsync(new CloseBucket("b", "f1") { At = T0 });
        Assert.Equal(S3ErrorCode.OperationAborted, await RefusalAsync(() => index.Shard.ExecuteAsync(Put("b", "k", T0 + Closing.Lapse - TimeSpan.FromMilliseconds(1)))));

        await index.Shard.ExecuteAsync(Put("b", "k", T0 + Closing.Lapse));
        Assert.Equal(S3ErrorCode.OperationAborted, await RefusalAsync(() => index.Shard.ExecuteAsync(new DeleteBucket("b") { Fence = "f1", At = T0 + Closing.Lapse })));
        Assert.NotNull(await index.Objects.GetCurrentAsync("b", "k"));
    }
}
