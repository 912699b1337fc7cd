using System.Text.Json;
using Cairn.Core.Blobs;
using Cairn.Index.Buckets;
using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Index.Shards;
using Cairn.Index.Uploads;

namespace Cairn.Index.Tests;

/// <summary>
/// Every read the catalogs make, through a shard that serves only the rows each read declares (as a node without a
/// replica of the range reads from a member), in windows of three rows: the answers equal those of the whole store,
/// and a read outside its declared rows would throw.
/// </summary>
public sealed class RemoteReadTests
{
    /// <summary>A store read the way a member answers a node without a replica: just the scope's rows, windows cut small.</summary>
    private sealed class FetchingShard(IIndexShard store, int window) : IIndexShard
    {
        public int Reads { get; private set; }

        public Task<TResult> ExecuteAsync<TResult>(IndexCommand<TResult> command, CancellationToken cancellationToken = default) =>
            store.ExecuteAsync(command, cancellationToken);

        public ValueTask ReadBarrierAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public async ValueTask<IIndexSnapshot> ReadAsync(ReadScope scope, CancellationToken cancellationToken = default)
        {
            Reads++;
            using var whole = await store.ReadAsync(scope, cancellationToken);
            var fetched = FetchedSnapshot.Read(whole, scope.Limit > 0 ? scope with { Limit = Math.Min(scope.Limit, window) } : scope);
            return FetchedSnapshot.Received(fetched.Rows, fetched.Covered, fetched.WindowEnd);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static string Json(object? value) => JsonSerializer.Serialize(value);

    private static BlobLayout Blob(string id) => new() { BlobId = id, Length = 10, Drives = ["d0"] };

    [Fact]
    public async Task Listings_lookups_uploads_usage_and_bookkeeping_read_the_same_through_declared_rows_only()
    {
        await using var index = new IndexFixture();
        var fetching = new FetchingShard(index.Shard, window: 3);
        var remote = IndexRouter.Single(fetching);
        var local = IndexRouter.Single(index.Shard);

        await index.Buckets.CreateAsync("b", "o", "r");
        await index.Buckets.CreateAsync("c", "o", "r");
        await index.Buckets.PutVersioningAsync("b", VersioningState.Enabled);
        var keys = new[] { "a/1", "a/2", "a/3/x", "b", "b/1", "c/d/e", "d", "e/1", "e/2", "f" };
        var n = 0;
        foreach (var key in keys)
            for (var v = 0; v < 1 + key.Length % 3; v++)
                await index.Objects.PutAsync("b", key, IndexFixture.Draft(10, Blob($"blob{n++:D3}")));
        await index.Objects.DeleteAsync("b", "d");
        var uploads = new UploadCatalog(local, TimeProvider.System);
        foreach (var key in new[] { "a/2", "u/1", "u/1", "z" })
        {
            var upload = await uploads.CreateAsync("b", new UploadRecord { UploadId = "", Key = key, Initiated = DateTimeOffset.UtcNow });
            for (var part = 1; part <= 4; part++)
                await uploads.PutPartAsync("b", key, upload.UploadId, new PartRecord
                {
                    PartNumber = part, Size = 10, ETag = "\"p\"", LastModified = DateTimeOffset.UtcNow, Blob = Blob($"part{n++:D3}"),
                });
        }

        var (localObjects, remoteObjects) = (new ObjectLister(local), new ObjectLister(remote));
        foreach (var (prefix, delimiter, marker, max) in new (string, string?, string?, int)[]
                 { ("", null, null, 1000), ("", "/", null, 1000), ("a/", "/", null, 1000), ("", null, "b", 3), ("", "/", "a/", 2), ("e", null, null, 1) })
            Assert.Equal(Json(await localObjects.ListAsync("b", prefix, delimiter, marker, max)), Json(await remoteObjects.ListAsync("b", prefix, delimiter, marker, max)));

        var (localVersions, remoteVersions) = (new VersionLister(local), new VersionLister(remote));
        var all = await localVersions.ListAsync("b", "", null, null, null, 1000);
        var middle = all.Versions[all.Versions.Count / 2];
        foreach (var (prefix, delimiter, keyMarker, versionMarker, max) in new (string, string?, string?, string?, int)[]
                 { ("", null, null, null, 1000), ("", "/", null, null, 1000), ("", null, middle.Key, middle.Version.VersionId, 4), ("", null, "b", null, 2) })
            Assert.Equal(Json(await localVersions.ListAsync("b", prefix, delimiter, keyMarker, versionMarker, max)),
                Json(await remoteVersions.ListAsync("b", prefix, delimiter, keyMarker, versionMarker, max)));

        var remoteUploads = new UploadCatalog(remote, TimeProvider.System);
        Assert.Equal(Json(await uploads.ListUploadsAsync("b", "", null, null, null, 1000)), Json(await remoteUploads.ListUploadsAsync("b", "", null, null, null, 1000)));
        Assert.Equal(Json(await uploads.ListUploadsAsync("b", "u", "/", null, null, 1)), Json(await remoteUploads.ListUploadsAsync("b", "u", "/", null, null, 1)));
        Assert.Equal(Json(await uploads.AllUploadsAsync("b")), Json(await remoteUploads.AllUploadsAsync("b")));
        var first = (await uploads.AllUploadsAsync("b"))[0];
        Assert.Equal(Json(await uploads.ListPartsAsync("b", first.Key, first.Upload.UploadId, 1, 2)),
            Json(await remoteUploads.ListPartsAsync("b", first.Key, first.Upload.UploadId, 1, 2)));

        var remoteCatalog = new ObjectCatalog(remote, TimeProvider.System);
        foreach (var key in keys.Append("missing"))
        {
            Assert.Equal(Json(await index.Objects.GetCurrentAsync("b", key)), Json(await remoteCatalog.GetCurrentAsync("b", key)));
            Assert.Equal(Json(await index.Objects.VersionsAsync("b", key)), Json(await remoteCatalog.VersionsAsync("b", key)));
        }
        var remoteBuckets = new BucketCatalog(remote, TimeProvider.System);
        Assert.Equal(Json(await index.Buckets.ListAsync()), Json(await remoteBuckets.ListAsync()));
        Assert.Equal(Json(await index.Buckets.GetAsync("b")), Json(await remoteBuckets.GetAsync("b")));
        Assert.Equal(Json(await new BucketUsage(local).MeasureAsync("b")), Json(await new BucketUsage(remote).MeasureAsync("b")));
        // Lifecycle's walk: every key's versions, window by window; none from a range the walk is not given.
        var walked = await BucketVersionWalk.KeysAsync(local, "b").ToListAsync();
        Assert.Equal(keys.Length, walked.Count);
        Assert.Equal(Json(walked), Json(await BucketVersionWalk.KeysAsync(remote, "b").ToListAsync()));
        Assert.Empty(await BucketVersionWalk.KeysAsync(remote, "b", ranges: _ => false).ToListAsync());

        var remoteBookkeeping = new BlobBookkeeping(remote, TimeProvider.System);
        Assert.Equal(Json((await index.Bookkeeping.QueuedFreesAsync(5)).Select(f => f.Blob)), Json((await remoteBookkeeping.QueuedFreesAsync(5)).Select(f => f.Blob)));
        Assert.Equal(Json(await index.Bookkeeping.ReferenceAsync("blob001")), Json(await remoteBookkeeping.ReferenceAsync("blob001")));
        Assert.Equal(Json(await index.Bookkeeping.ReferencesAsync().ToListAsync()), Json(await remoteBookkeeping.ReferencesAsync().ToListAsync()));
        Assert.True(fetching.Reads > 20);
    }

    [Fact]
    public async Task A_read_outside_the_rows_it_declared_fails_instead_of_seeing_nothing()
    {
        await using var index = new IndexFixture();
        await index.Buckets.CreateAsync("b", "o", "r");
        await index.Objects.PutAsync("b", "k", IndexFixture.Draft());
        using var whole = await index.Shard.ReadAsync(ReadScope.SpanOnly);
        var fetched = FetchedSnapshot.Read(whole, ReadScope.Key("b", "other"));

        Assert.Null(fetched.Get(IndexKeys.CurrentKey("b", "other")));
        Assert.NotNull(fetched.Get(IndexKeys.BucketKey("b")));
        Assert.Throws<InvalidOperationException>(() => fetched.Get(IndexKeys.CurrentKey("b", "k")));
        Assert.Throws<InvalidOperationException>(() => fetched.Scan(IndexKeys.ObjectsOfBucket("b").From, IndexKeys.ObjectsOfBucket("b").To).ToList());
    }
}
