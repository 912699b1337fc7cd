using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.Index.Apply;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Index.Shards;
using Cairn.Index.Uploads;

namespace Cairn.Index.Tests;

/// <summary>A real RocksDB shard in a temporary directory with the S3 tables over it.</summary>
public sealed class IndexFixture : IAsyncDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), "cairn-index-" + Guid.NewGuid().ToString("N"));

    public IndexFixture() => Open();

    public RocksDbIndexShard Shard { get; private set; } = null!;
    public BucketCatalog Buckets { get; private set; } = null!;
    public ObjectCatalog Objects { get; private set; } = null!;
    public UploadCatalog Uploads { get; private set; } = null!;
    public ObjectLister Lister { get; private set; } = null!;
    public BlobBookkeeping Bookkeeping { get; private set; } = null!;

    public static ShardStateMachine Machine() => new(StorageClassTable.Default, new DayClock(TimeProvider.System));

    /// <summary>A second set of catalogs over the same shard: another issuer of commands, as another process or node would be.</summary>
    public (ObjectCatalog Objects, UploadCatalog Uploads) SecondIssuer() => (new ObjectCatalog(IndexRouter.Single(Shard), TimeProvider.System), new UploadCatalog(IndexRouter.Single(Shard), TimeProvider.System));

    /// <summary>Closes the shard and opens it again from disk, as a restart would.</summary>
    public async Task ReopenAsync()
    {
        await Shard.DisposeAsync();
        Open();
    }

    private void Open()
    {
        Shard = new RocksDbIndexShard(path, Machine());
        Buckets = new BucketCatalog(IndexRouter.Single(Shard), TimeProvider.System);
        Objects = new ObjectCatalog(IndexRouter.Single(Shard), TimeProvider.System);
        Uploads = new UploadCatalog(IndexRouter.Single(Shard), TimeProvider.System);
        Lister = new ObjectLister(IndexRouter.Single(Shard));
        Bookkeeping = new BlobBookkeeping(IndexRouter.Single(Shard), TimeProvider.System);
    }

    public static VersionRecord Draft(long size = 1, Cairn.Core.Blobs.BlobLayout? blob = null) => new()
    {
        VersionId = "",
        Sequence = 0,
        LastModified = DateTimeOffset.UtcNow,
        Size = size,
        ETag = "\"e\"",
        Blob = blob,
        Inline = blob is null ? new byte[size] : null,
    };

    public async ValueTask DisposeAsync()
    {
        await Shard.DisposeAsync();
        Directory.Delete(path, recursive: true);
    }
}
