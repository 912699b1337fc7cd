using Cairn.Core.Blobs;

namespace Cairn.Index.Tests;

/// <summary>
/// The range's repair list: a blob committed with fragments missing (written while a drive was down) is listed durably
/// in the range, until repair's flip to a whole layout takes it off, or the blob is reaped; a stale listing is dropped
/// by ForgetDegraded only once no owner holds a layout with fragments missing.
/// </summary>
public sealed class DegradedBlobTests
{
    private static BlobLayout Blob(string id, params int[] missing) => new()
    {
        BlobId = id, Length = 10, DataFragments = 2, ParityFragments = 1, Drives = ["d0", "d1", "d2"], MissingSlots = missing,
    };

    [Fact]
    public async Task A_blob_written_short_of_a_fragment_is_listed_until_its_repair_flips_it_whole()
    {
        await using var index = new IndexFixture();
        await index.Buckets.CreateAsync("b", "o", "r");
        await index.Objects.PutAsync("b", "whole", IndexFixture.Draft(10, Blob("whole")));
        await index.Objects.PutAsync("b", "short", IndexFixture.Draft(10, Blob("short", 1)));

        Assert.Equal(["short"], (await index.Bookkeeping.DegradedAsync()).Select(d => d.BlobId));
        // Asked to forget while the owner still holds the short layout: kept.
        var (_, range) = Assert.Single(await index.Bookkeeping.DegradedAsync());
        await index.Bookkeeping.ForgetDegradedAsync("short", range);
        Assert.Single(await index.Bookkeeping.DegradedAsync());

        Assert.True(await index.Objects.ReplaceLayoutAsync(Blob("short", 1), Blob("short") with { Drives = ["d0", "d3", "d2"] }));
        Assert.Empty(await index.Bookkeeping.DegradedAsync());
    }

    [Fact]
    public async Task A_listed_blob_that_is_reaped_leaves_the_list()
    {
        await using var index = new IndexFixture();
        await index.Buckets.CreateAsync("b", "o", "r");
        await index.Objects.PutAsync("b", "k", IndexFixture.Draft(10, Blob("short", 2)));
        Assert.Single(await index.Bookkeeping.DegradedAsync());

        await index.Objects.DeleteAsync("b", "k"); // unversioned: the version and its blob are reaped

        Assert.Empty(await index.Bookkeeping.DegradedAsync());
        Assert.Contains("short", (await index.Bookkeeping.QueuedFreesAsync()).Select(f => f.Blob.BlobId));
    }
}
