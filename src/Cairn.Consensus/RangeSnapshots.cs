using System.Formats.Tar;
using System.Globalization;
using System.IO.Pipelines;
using Cairn.Core.IO;
using Cairn.Index.Shards;
using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace Cairn.Consensus;

/// <summary>
/// A range replica's Raft snapshots: RocksDB checkpoints of its store under <c>folder/{index}-{term}</c>, each
/// taken when the store's applied index was exactly <c>index</c> (the log entry at <c>index</c> has term
/// <c>term</c>). A checkpoint is saved under a temporary name and renamed, so one that exists is whole. The
/// latest is the snapshot DotNext sees; older ones are deleted when DotNext reclaims garbage below it (it no
/// longer sends them), so at most two are on disk. A checkpoint travels as a tar stream of its files.
/// </summary>
public sealed class RangeSnapshots
{
    private const string Staging = ".tmp";

    private readonly string folder;
    private volatile CheckpointSnapshot? latest;

    private RangeSnapshots(string folder, CheckpointSnapshot? latest)
    {
        this.folder = folder;
        this.latest = latest;
    }

    /// <summary>
    /// The checkpoints under <paramref name="folder"/>: the latest at or below <paramref name="appliedIndex"/> is
    /// the snapshot; one above it (an install a crash cut before its store was named) and unfinished ones are deleted.
    /// </summary>
    public static RangeSnapshots Open(string folder, long appliedIndex)
    {
        Directory.CreateDirectory(folder);
        CheckpointSnapshot? latest = null;
        foreach (var path in Directory.EnumerateDirectories(folder))
        {
            if (CheckpointSnapshot.TryParse(path) is not { } snapshot || snapshot.Index > appliedIndex)
                Directory.Delete(path, recursive: true);
            else if (latest is null || snapshot.Index > latest.Index)
                latest = snapshot;
        }
        return new RangeSnapshots(folder, latest);
    }

    /// <summary>The latest checkpoint, or null before the first.</summary>
    public ISnapshot? Latest => latest;

    public long LatestIndex => latest?.Index ?? 0;

    /// <summary>Checkpoints the store, whose applied index is <paramref name="index"/>, and makes it the latest.</summary>
    public void Take(IndexStore store, long index, long term)
    {
        var final = Path.Combine(folder, CheckpointSnapshot.Name(index, term));
        if (Directory.Exists(final)) return;
        var staging = final + Staging;
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        store.Checkpoint(staging);
        Directory.Move(staging, final);
        DirectorySync.Sync(folder);
        latest = new CheckpointSnapshot(final, index, term);
    }

    /// <summary>Deletes the checkpoints below <paramref name="watermark"/>, which DotNext will not read again.</summary>
    public void Reclaim(long watermark)
    {
        foreach (var path in Directory.EnumerateDirectories(folder))
            if (CheckpointSnapshot.TryParse(path) is { } snapshot && snapshot.Index < watermark && snapshot.Index < LatestIndex)
                Directory.Delete(path, recursive: true);
    }

    /// <summary>
    /// Writes a received snapshot's files (a tar stream) into <paramref name="path"/>, synced to disk: a store
    /// to open there. A failure leaves nothing behind.
    /// </summary>
    public static async Task ReceiveAsync(LogEntry entry, string path, CancellationToken token)
    {
        var staging = path + Staging;
        var archive = path + ".tar";
        try
        {
            await using (var file = new FileStream(archive, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await entry.WriteToAsync(file, 1 << 16, token).ConfigureAwait(false);
                file.Position = 0;
                Directory.CreateDirectory(staging);
                await TarFile.ExtractToDirectoryAsync(file, staging, overwriteFiles: false, token).ConfigureAwait(false);
            }
            foreach (var extracted in Directory.EnumerateFiles(staging))
            {
                using var handle = File.OpenHandle(extracted, FileMode.Open, FileAccess.ReadWrite);
                RandomAccess.FlushToDisk(handle);
            }
            DirectorySync.Sync(staging);
            Directory.Move(staging, path);
            DirectorySync.Sync(Path.GetDirectoryName(path)!);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
        finally
        {
            File.Delete(archive);
        }
    }

    /// <summary>One checkpoint folder as DotNext's snapshot: sent as a tar stream of its files.</summary>
    private sealed class CheckpointSnapshot(string path, long index, long term) : ISnapshot
    {
        public long Index { get; } = index;

        public long Term { get; } = term;

        public DateTimeOffset Timestamp { get; } = Directory.GetCreationTimeUtc(path);

        bool IDataTransferObject.IsReusable => true;

        long? IDataTransferObject.Length => null;

        public static string Name(long index, long term) => FormattableString.Invariant($"{index}-{term}");

        public static CheckpointSnapshot? TryParse(string path) =>
            Path.GetFileName(path).Split('-') is [var index, var term]
            && long.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            && long.TryParse(term, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
                ? new CheckpointSnapshot(path, i, t)
                : null;

        public async ValueTask WriteToAsync<TWriter>(TWriter writer, CancellationToken token)
            where TWriter : IAsyncBinaryWriter
        {
            var pipe = new Pipe();
            var producer = ProduceAsync(pipe.Writer, token);
            try
            {
                await writer.CopyFromAsync(pipe.Reader, null, token).ConfigureAwait(false);
            }
            finally
            {
                await pipe.Reader.CompleteAsync().ConfigureAwait(false);
                await producer.ConfigureAwait(false);
            }
        }

        private async Task ProduceAsync(PipeWriter output, CancellationToken token)
        {
            await Task.Yield();
            try
            {
                await using var stream = output.AsStream(leaveOpen: true);
                await TarFile.CreateFromDirectoryAsync(path, stream, includeBaseDirectory: false, token).ConfigureAwait(false);
                await output.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await output.CompleteAsync(e).ConfigureAwait(false);
            }
        }
    }
}
