using Cairn.Index.Apply;
using Cairn.Index.Records;
using RocksDbSharp;

namespace Cairn.Index.Shards;

/// <summary>
/// The RocksDB store under a shard, local or replicated: opened (and upgraded) in the current keyspace
/// format, read live or through snapshots, and changed only by synced WriteBatches of a layer's writes.
/// </summary>
public sealed class IndexStore : IDisposable
{
    /// <summary>Format 2: object rows under their (bucket, key) prefix; see <see cref="IndexKeys"/>.</summary>
    private const byte Format = 2;

    private readonly RocksDb db;
    private readonly WriteOptions syncWrite = new WriteOptions().SetSync(true);
    private readonly WriteOptions unsyncedWrite = new WriteOptions().SetSync(false);
    private readonly ReadOptionsPool readOptions = new();

    private IndexStore(RocksDb db) => this.db = db;

    /// <summary>Opens the store at the path, creating it if missing; an older layout is upgraded in place first.</summary>
    public static IndexStore Open(string path)
    {
        Directory.CreateDirectory(path);
        // Memtables of 16 MiB (RocksDB's default is 64 MiB, two of them): small objects live inline in the
        // index, and a burst of them otherwise left ~130 MiB of memtable resident in the server.
        // A Bloom filter in every table file: most point reads of a request ask for rows that do not exist (the bucket
        // settings it never set: policy, ACL, lifecycle…), and without one each such read searched the index and a data
        // block of every level-0 file — the bulk of the bucket read that authorizes each request. Files written before
        // have none and are read as before.
        var options = new DbOptions().SetCreateIfMissing(true)
            .SetWriteBufferSize(16UL * 1024 * 1024)
            .SetMaxWriteBufferNumber(2)
            .SetBlockBasedTableFactory(new BlockBasedTableOptions().SetFilterPolicy(BloomFilterPolicy.Create(10)).SetWholeKeyFiltering(true));
        var store = new IndexStore(RocksDb.Open(options, path));
        try
        {
            store.CheckFormat(path);
        }
        catch
        {
            store.Dispose();
            throw;
        }
        return store;
    }

    public byte[]? Get(byte[] key) => db.Get(key);

    /// <summary>Live entries with from ≤ key &lt; to: for the one writer, which sees its own writes.</summary>
    public IEnumerable<IndexEntry> Scan(byte[] from, byte[] to) => RocksDbSnapshot.Scan(db, null, from, to);

    public IIndexSnapshot OpenSnapshot() => new RocksDbSnapshot(db, readOptions);

    /// <summary>RocksDB's estimate of the keys in the store (deleted ones linger until compaction): what a split decision reads.</summary>
    public long EstimatedKeys => long.TryParse(db.GetProperty("rocksdb.estimate-num-keys"), out var n) ? n : 0;

    /// <summary>
    /// Saves a RocksDB checkpoint of the store, as it is now, into <paramref name="path"/> (which must not exist):
    /// hard links to the immutable table files plus copies of the rest, openable with <see cref="Open"/>.
    /// </summary>
    public void Checkpoint(string path)
    {
        using var checkpoint = db.Checkpoint();
        checkpoint.Save(path);
    }

    /// <summary>An empty layer of writes over the live store.</summary>
    public LayeredState NewLayer() => new(Get, Scan);

    /// <summary>
    /// Writes the layer's puts and deletes as one WriteBatch: all of them or none; synced unless the caller holds
    /// another durable record of the change (a Raft log it replays after a crash).
    /// </summary>
    public void Write(LayeredState layer, bool sync = true)
    {
        if (layer.IsEmpty) return;
        using var writeBatch = new WriteBatch();
        foreach (var (key, value) in layer.Writes)
            if (value is null) writeBatch.Delete(key);
            else writeBatch.Put(key, value);
        db.Write(writeBatch, sync ? syncWrite : unsyncedWrite);
    }

    /// <summary>A store written in an older layout is upgraded in place first; one in an unknown layout is refused.</summary>
    private void CheckFormat(string path)
    {
        if (db.Get(IndexKeys.FormatKey()) is [var format])
        {
            if (format != Format) throw new InvalidDataException($"The index at {path} has format {format}; this Cairn reads format {Format}.");
            return;
        }
        if (FormatOneUpgrade.IsFormatOne(db)) FormatOneUpgrade.Run(db, syncWrite);
        else
        {
            using var iterator = db.NewIterator();
            iterator.SeekToFirst();
            if (iterator.Valid()) throw new InvalidDataException($"The index at {path} is in no format this Cairn knows.");
        }
        db.Put(IndexKeys.FormatKey(), new byte[] { Format }, null, syncWrite);
    }

    public void Dispose() => db.Dispose();
}
