using Cairn.Core.Blobs;
using Cairn.Core.Errors;
using Cairn.Index.Records;

namespace Cairn.Index.Tests;

public sealed class ObjectCatalogTests
{
    private static BlobLayout Blob(string id) => new() { BlobId = id, Length = 10, Drives = ["d0"] };

    [Fact]
    public async Task Overwrite_in_an_unversioned_bucket_queues_the_old_blob_for_freeing()
    {
        await using var index = new IndexFixture();
        await index.Buckets.CreateAsync("b1b", "o", "r");
        await index.Objects.PutAsync("b1b", "k", IndexFixture.Draft(10, Blob("aa01")));
        Assert.True(await index.Bookkeeping.IsReferencedAsync("aa01"));
        await index.Objects.PutAsync("b1b", "k", IndexFixture.Draft(10, Blob("aa02")));
        Assert.False(await index.Bookkeeping.IsReferencedAsync("aa01"));
        Assert.True(await index.Bookkeeping.IsReferencedAsync("aa02"));
        var queued = (await index.Bookkeeping.QueuedFreesAsync()).Select(f => f.Blob.BlobId).ToList();
        Assert.Equal(["aa01"], queued);
    }

    [Fact]
    public async Task A_delete_marker_frees_nothing_and_a_reap_frees_the_version()
    {
        await using var index = new IndexFixture();
        await index.Buckets.CreateAsync("b2b", "o", "r");
        await index.Buckets.PutVersioningAsync("b2b", VersioningState.Enabled);
        var v1 = await index.Objects.PutAsync("b2b", "k", IndexFixture.Draft(10, Blob("bb01")));
        var marker = await index.Objects.DeleteAsync("b2b", "k");
        Assert.True(marker!.IsDeleteMarker);
        Assert.True(await index.Bookkeeping.IsReferencedAsync("bb01"));
        Assert.True((await index.Objects.GetCurrentAsync("b2b", "k"))!.IsDeleteMarker);
        await index.Objects.DeleteVersionAsync("b2b", "k", v1.VersionId);
        Assert.False(await index.Bookkeeping.IsReferencedAsync("bb01"));
        Assert.True((await index.Objects.GetCurrentAsync("b2b", "k"))!.IsDeleteMarker);
    }

    [Fact]
    public async Task Bucket_with_versions_is_not_empty_and_cannot_be_deleted()
    {
        await using var index = new IndexFixture();
        await index.Buckets.CreateAsync("b3b", "o", "r");
        await index.Objects.PutAsync("b3b", "k", IndexFixture.Draft());
        var e = await Assert.ThrowsAsync<S3Exception>(() => index.Buckets.DeleteAsync("b3b"));
        Assert.Equal("BucketNotEmpty", e.Code.Code);
        await index.Objects.DeleteAsync("b3b", "k");
        await index.Buckets.DeleteAsync("b3b");
        Assert.Null(await index.Buckets.GetAsync("b3b"));
    }

    [Fact]
    public async Task Concurrent_puts_to_one_key_each_become_a_version_in_commit_order()
    {
        await using var index = new IndexFixture();
        await index.Buckets.CreateAsync("b4b", "o", "r");
        await index.Buckets.PutVersioningAsync("b4b", VersioningState.Enabled);
        var committed = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => index.Objects.PutAsync("b4b", "k", IndexFixture.Draft()))));
        var versions = await index.Objects.VersionsAsync("b4b", "k");
        Assert.Equal(50, versions.Count);
        Assert.Equal(committed.Select(c => c.Sequence).OrderDescending(), versions.Select(v => v.Sequence));
        Assert.Equal(versions[0].VersionId, (await index.Objects.GetCurrentAsync("b4b", "k"))!.VersionId);
    }

    [Fact]
    public async Task Deleting_a_bucket_while_puts_race_never_loses_an_acknowledged_put()
    {
        await using var index = new IndexFixture();
        for (var round = 0; round < 20; round++)
        {
            var name = $"race-{round}";
            await index.Buckets.CreateAsync(name, "o", "r");
            var put = Task.Run(async () =>
            {
                try { await index.Objects.PutAsync(name, "k", IndexFixture.Draft()); return true; }
                catch (S3Exception) { return false; }
            });
            var delete = Task.Run(async () =>
            {
                try { await index.Buckets.DeleteAsync(name); return true; }
                catch (S3Exception) { return false; }
            });
            var (acknowledged, deleted) = (await put, await delete);
            // Either the put won (bucket not empty, still there) or the delete did (put refused): never both.
            Assert.False(acknowledged && deleted, "an acknowledged PUT went into a bucket that was then deleted");
        }
    }

    [Fact]
    public async Task Replacing_tags_rewrites_one_version_in_place_and_a_marker_cannot_be_tagged()
    {
        await using var index = new IndexFixture();
        await index.Buckets.CreateAsync("b5b", "o", "r");
        await index.Buckets.PutVersioningAsync("b5b", VersioningState.Enabled);
        var v1 = await index.Objects.PutAsync("b5b", "k", IndexFixture.Draft(10, Blob("ee01")));
        var v2 = await index.Objects.PutAsync("b5b", "k", IndexFixture.Draft(10, Blob("ee02")));

        var tagged = await index.Objects.ReplaceTagsAsync("b5b", "k", v1.VersionId, new() { ["team"] = "blue" });
        var reread = (await index.Objects.GetVersionAsync("b5b", "k", v1.VersionId))!;
        Assert.Equal("blue", reread.Tags["team"]);
        Assert.Equal((v1.Sequence, v1.LastModified, v1.ETag), (reread.Sequence, reread.LastModified, reread.ETag));
        Assert.Equal(reread.Tags, tagged.Tags);
        Assert.Equal(v2.VersionId, (await index.Objects.GetCurrentAsync("b5b", "k"))!.VersionId);
        Assert.Empty((await index.Objects.GetCurrentAsync("b5b", "k"))!.Tags);
        Assert.True(await index.Bookkeeping.IsReferencedAsync("ee01"));
        var versions = await index.Objects.VersionsAsync("b5b", "k");
        Assert.Equal(2, versions.Count);

        await index.Objects.DeleteAsync("b5b", "k");
        var current = await Assert.ThrowsAsync<S3Exception>(() => index.Objects.ReplaceTagsAsync("b5b", "k", null, new()));
        Assert.Equal("MethodNotAllowed", current.Code.Code);
    }
}
