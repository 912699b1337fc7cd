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
/// <c>term</c>). A checkpoint is saved under a temporary name and renamed, so one that exists is whole.
/// <para>
/// The snapshot DotNext sees (<see cref="Current"/>) is not always the newest checkpoint: DotNext cuts the log
/// up to it and sends it, instead of log entries, to any member whose next entry is at or below it. Were it the
/// checkpoint just taken at the applied index, a follower only a few entries behind at that moment (the one not
/// in the commit quorum) would be sent the whole store. So a checkpoint this member takes itself becomes current
/// only when the next one is taken: the log keeps at least one snapshot interval of entries past the cut, and
/// only a member further behind than that installs a snapshot. A checkpoint installed from the leader is current
/// at once (this member's log has nothing below it). Checkpoints below the current one are deleted when DotNext
/// reclaims garbage (it no longer sends them), so the current one and the newest stay on disk. A checkpoint
/// travels as a tar stream of its files.
/// </para>
/// </summary>
public sealed class RangeSnapshots
{
    private const string Staging = ".tmp";

    private readonly string folder;
    private volatile CheckpointSnapshot? current;
    private volatile CheckpointSnapshot? newest;

    private RangeSnapshots(string folder, CheckpointSnapshot? latest)
    {
        this.folder = folder;
        current = newest = latest;
    }

    /// <summary>
    /// The checkpoints under <paramref name="folder"/>: the latest at or below <paramref name="appliedIndex"/> is
    /// the snapshot (current and newest: the log may have been cut up to the one that was current, which is not
    /// above it); one above it (an install a crash cut before its store was named) and unfinished ones are deleted.
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

    /// <summary>The snapshot DotNext sees, or null before there is one: the log is cut up to it.</summary>
    public ISnapshot? Current => current;

    /// <summary>The index of the newest checkpoint (0 before the first): the next is due an interval past it.</summary>
    public long NewestIndex => newest?.Index ?? 0;

    /// <summary>
    /// Checkpoints the store, whose applied index is <paramref name="index"/>, as this member's newest; the one that
    /// was newest becomes current.
    /// </summary>
    public void Take(IndexStore store, long index, long term)
    {
        var taken = Save(store, index, term);
        if (newest is { } previous && previous.Index < taken.Index && previous.Index > (current?.Index ?? 0)) current = previous;
        newest = taken;
    }

    /// <summary>
    /// Checkpoints a store received from the leader, applied up to <paramref name="index"/>, without making it the
    /// snapshot: <see cref="Install"/> does, once that store is the one in use. Until then a crash leaves a
    /// checkpoint above the store's applied index, which <see cref="Open"/> deletes.
    /// </summary>
    public ISnapshot Checkpoint(IndexStore store, long index, long term) => Save(store, index, term);

    /// <summary>Makes a checkpoint of an installed store (<see cref="Checkpoint"/>) current and newest at once.</summary>
    public void Install(ISnapshot checkpoint)
    {
        var installed = (CheckpointSnapshot)checkpoint;
        newest = installed;
        current = installed;
    }

    /// <summary>
    /// Deletes the checkpoints below <paramref name="watermark"/> (DotNext's snapshot index when it reclaims) and
    /// below the current one: DotNext will not read them again.
    /// </summary>
    public void Reclaim(long watermark)
    {
        var keep = long.Min(watermark, current?.Index ?? 0);
        foreach (var path in Directory.EnumerateDirectories(folder))
            if (CheckpointSnapshot.TryParse(path) is { } snapshot && snapshot.Index < keep)
                Directory.Delete(path, recursive: true);
    }

    private CheckpointSnapshot Save(IndexStore store, long index, long term)
    {
        var final = Path.Combine(folder, CheckpointSnapshot.Name(index, term));
        if (!Directory.Exists(final))
        {
            var staging = final + Staging;
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            store.Checkpoint(staging);
            Directory.Move(staging, final);
            DirectorySync.Sync(folder);
        }
        return new CheckpointSnapshot(final, index, term);
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
