using Cairn.Core.Time;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Tests;

/// <summary>A real RocksDB shard in a temporary directory with the S3 tables over it.</summary>
public sealed class IndexFixture : IAsyncDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), "cairn-index-" + Guid.NewGuid().ToString("N"));

    public IndexFixture()
    {
        Shard = new RocksDbIndexShard(path);
        var gates = new BucketGates();
        Buckets = new BucketCatalog(Shard, gates, TimeProvider.System);
        Objects = new ObjectCatalog(Shard, Buckets, gates, new KeyLocks(), new VersionClock(TimeProvider.System), new Cairn.Index.Billing.StorageMeter(Cairn.Core.StorageClasses.StorageClassTable.Default, new Cairn.Core.Time.DayClock(TimeProvider.System), new VersionClock(TimeProvider.System)), TimeProvider.System);
        Lister = new ObjectLister(Shard);
        Bookkeeping = new BlobBookkeeping(Shard);
    }

    public RocksDbIndexShard Shard { get; private set; }
    public BucketCatalog Buckets { get; }
    public ObjectCatalog Objects { get; }
    public ObjectLister Lister { get; }
    public BlobBookkeeping Bookkeeping { get; }

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
