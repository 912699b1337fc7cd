using Cairn.Core.IO;
using Cairn.Index.Shards;

namespace Cairn.Consensus;

/// <summary>
/// A range replica's RocksDB store, which an installed snapshot replaces whole. The store in use is the folder
/// named by <c>folder/STORE</c> (<c>index</c> when that file is missing); a replacement is written aside in a new
/// folder, then named by rewriting that file (temp file, fsync, rename, directory fsync), so a crash at any point
/// leaves either the old store or the new one in use, never a mix. A replaced store stays open until the last
/// reader snapshot opened on it is disposed, then its folder is deleted; folders (and received archives) a crash
/// left behind are deleted when the store is opened.
/// </summary>
public sealed class RangeStore : IDisposable
{
    private const string PointerFile = "STORE";
    internal const string DefaultStore = "index";
    private const string StorePrefix = "store-";

    private readonly string folder;
    private readonly Lock gate = new();
    private Generation current;

    private RangeStore(string folder, Generation current)
    {
        this.folder = folder;
        this.current = current;
    }

    /// <summary>Opens the store in use under <paramref name="folder"/>, deleting any store a crash left unnamed.</summary>
    public static RangeStore Open(string folder)
    {
        Directory.CreateDirectory(folder);
        var pointer = Path.Combine(folder, PointerFile);
        var name = File.Exists(pointer) ? File.ReadAllText(pointer).Trim() : DefaultStore;
        var path = Path.Combine(folder, name);
        // A named replacement was synced before it was named: missing, it was lost, and an empty store opened in
        // its place would pass for one that applied nothing while the log and snapshots say otherwise.
        if (name != DefaultStore && !Directory.Exists(path))
            throw new InvalidDataException($"The range store {path} named by {pointer} is missing.");
        foreach (var stale in Directory.EnumerateDirectories(folder, StorePrefix + "*"))
            if (Path.GetFileName(stale) != name) Directory.Delete(stale, recursive: true);
        foreach (var archive in Directory.EnumerateFiles(folder, StorePrefix + "*.tar")) File.Delete(archive);
        if (name != DefaultStore && Directory.Exists(Path.Combine(folder, DefaultStore))) Directory.Delete(Path.Combine(folder, DefaultStore), recursive: true);
        return new RangeStore(folder, new Generation(IndexStore.Open(path), path));
    }

    /// <summary>The store in use. Only the apply loop writes to it, and only the apply loop replaces it.</summary>
    public IndexStore Current => Volatile.Read(ref current).Store;

    /// <summary>A reader snapshot of the store in use; a replacement meanwhile keeps that store open until it is disposed.</summary>
    public IIndexSnapshot OpenSnapshot()
    {
        Generation generation;
        lock (gate)
        {
            generation = current;
            generation.Readers++;
        }
        try
        {
            return new LeasedSnapshot(generation.Store.OpenSnapshot(), () => Release(generation));
        }
        catch
        {
            Release(generation);
            throw;
        }
    }

    /// <summary>
    /// A RocksDB checkpoint of the store in use, written to <paramref name="destination"/> as a tar stream of its files;
    /// a replacement meanwhile keeps that store open until the checkpoint is made.
    /// </summary>
    public async Task WriteCheckpointAsync(Stream destination, CancellationToken cancellationToken)
    {
        var staging = Path.Combine(folder, StorePrefix + Guid.NewGuid().ToString("N") + ".checkpoint");
        Generation generation;
        lock (gate)
        {
            generation = current;
            generation.Readers++;
        }
        try
        {
            try
            {
                generation.Store.Checkpoint(staging);
            }
            finally
            {
                Release(generation);
            }
            await System.Formats.Tar.TarFile.CreateFromDirectoryAsync(staging, destination, includeBaseDirectory: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>
    /// Makes <paramref name="folder"/> a range folder whose store is the checkpoint read from <paramref name="source"/> (a
    /// tar stream from <see cref="WriteCheckpointAsync"/>): extracted aside, synced, and renamed into place last, so the
    /// folder exists only whole.
    /// </summary>
    public static async Task ReceiveCheckpointAsync(Stream source, string folder, CancellationToken cancellationToken)
    {
        var seeding = folder + ".seeding";
        if (Directory.Exists(seeding)) Directory.Delete(seeding, recursive: true);
        var store = Path.Combine(seeding, DefaultStore);
        Directory.CreateDirectory(store);
        try
        {
            await System.Formats.Tar.TarFile.ExtractToDirectoryAsync(source, store, overwriteFiles: false, cancellationToken).ConfigureAwait(false);
            foreach (var extracted in Directory.EnumerateFiles(store))
            {
                using var handle = File.OpenHandle(extracted, FileMode.Open, FileAccess.ReadWrite);
                RandomAccess.FlushToDisk(handle);
            }
            DirectorySync.Sync(store);
            DirectorySync.Sync(seeding);
            Directory.Move(seeding, folder);
            DirectorySync.Sync(Path.GetDirectoryName(Path.GetFullPath(folder))!);
        }
        catch
        {
            if (Directory.Exists(seeding)) Directory.Delete(seeding, recursive: true);
            throw;
        }
    }

    /// <summary>A fresh folder, beside the store in use, to write a replacement into before <see cref="Replace"/>.</summary>
    public string NewStorePath() => Path.Combine(folder, StorePrefix + Guid.NewGuid().ToString("N"));

    /// <summary>
    /// Makes the store written at <paramref name="path"/> (already on disk and synced) the store in use: durably
    /// first, then for readers. Returns the opened store. The old store is closed once its last reader is done.
    /// </summary>
    public IndexStore Replace(string path, IndexStore opened)
    {
        var pointer = Path.Combine(folder, PointerFile);
        var temporary = pointer + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            file.Write(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(path)));
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, pointer, overwrite: true);
        DirectorySync.Sync(folder);

        Generation old;
        lock (gate)
        {
            old = current;
            old.Retired = true;
            current = new Generation(opened, path);
        }
        Release(old); // the reference the store in use held
        return opened;
    }

    private void Release(Generation generation)
    {
        bool close;
        lock (gate)
        {
            close = --generation.Readers < 0;
        }
        if (!close) return;
        generation.Store.Dispose();
        if (!generation.Retired) return;
        try
        {
            Directory.Delete(generation.Path, recursive: true);
        }
        catch (IOException)
        {
            // Deleted on the next open instead.
        }
    }

    public void Dispose()
    {
        Generation generation;
        lock (gate) generation = current;
        Release(generation);
    }

    /// <summary>
    /// One opened store and the readers still on it; <see cref="Readers"/> is −1 once its owner let go and no
    /// reader is left. A retired store (one a snapshot replaced) is deleted then; the store in use is only closed.
    /// </summary>
    private sealed class Generation(IndexStore store, string path)
    {
        public IndexStore Store { get; } = store;
        public string Path { get; } = path;
        public int Readers { get; set; }
        public bool Retired { get; set; }
    }

    private sealed class LeasedSnapshot(IIndexSnapshot inner, Action release) : IIndexSnapshot
    {
        private int disposed;

        public byte[]? Get(byte[] key) => inner.Get(key);

        public IEnumerable<IndexEntry> Scan(byte[] from, byte[] to) => inner.Scan(from, to);

        public IndexEntry? First(byte[] from, byte[] to) => inner.First(from, to);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0) return;
            inner.Dispose();
            release();
        }
    }
}
