using Cairn.Data.Blobs;

namespace Cairn.Data.Tests;

/// <summary>The queue reads report damaged blobs into: one entry per blob until repair takes it, and never more than its capacity.</summary>
public sealed class RepairQueueTests
{
    [Fact]
    public async Task A_blob_reported_many_times_is_queued_once_until_repair_takes_it()
    {
        var queue = new RepairQueue();
        for (var i = 0; i < 100; i++) queue.RequestRepair("blob-a");
        queue.RequestRepair("blob-b");
        Assert.Equal("blob-a", await queue.TakeAsync(CancellationToken.None));
        // Taken: a report now (damage found while it is being repaired) queues it again.
        queue.RequestRepair("blob-a");
        Assert.Equal("blob-b", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal("blob-a", await queue.TakeAsync(CancellationToken.None));
        using var nothingLeft = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await queue.TakeAsync(nothingLeft.Token));
    }

    [Fact]
    public async Task Reports_beyond_capacity_are_dropped_without_blocking_and_can_be_made_again_later()
    {
        var queue = new RepairQueue(capacity: 2);
        queue.RequestRepair("one");
        queue.RequestRepair("two");
        queue.RequestRepair("three"); // full: dropped, the scrub will find it
        Assert.Equal("one", await queue.TakeAsync(CancellationToken.None));
        queue.RequestRepair("three"); // not left marked as queued by the dropped report
        Assert.Equal("two", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal("three", await queue.TakeAsync(CancellationToken.None));
    }
}
