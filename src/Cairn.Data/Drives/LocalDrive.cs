using Cairn.Core.IO;
using Cairn.Data.Fragments;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace Cairn.Data.Drives;

/// <summary>A drive that is a local directory: fragments are files under 256 fan-out folders.</summary>
public sealed class LocalDrive : IFragmentStore
{
    private readonly string fragments;
    private readonly TimeProvider time;
    private FragmentCensus? census;
    private long setUpAtTicks; // UTC ticks of the last set-up; 0: not set up by this process (the drive was in place at start)

    // 2 MiB stages: large enough that direct writes run at disk speed, few enough to stay small in RSS.
    private readonly AlignedBufferPool stages = new(2 * 1024 * 1024, keep: 16);

    public LocalDrive(string id, string path, TimeProvider? time = null)
    {
        this.time = time ?? TimeProvider.System;
        DriveId = id;
        Path = System.IO.Path.GetFullPath(path);
        fragments = System.IO.Path.Combine(Path, "fragments");
        Directory.CreateDirectory(Path);
        TryInitialize();
    }

    public string DriveId { get; }

    public string Path { get; }

    /// <summary>Whether the drive's directory is there and initialised; a missing one is a failed drive.</summary>
    public bool IsOnline => Directory.Exists(fragments);

    /// <summary>
    /// Prepares the fan-out folders. Called at start and by the drive monitor, so a drive that comes
    /// back (a replaced, empty disk mounted at the same path) is taken into use again.
    /// </summary>
    public bool TryInitialize()
    {
        if (IsOnline)
        {
            // The first look at a drive already in place (the process starting) clears what a killed process left.
            if (Interlocked.Exchange(ref started, 1) == 0) DeleteDeadRebuilds();
            return true;
        }
        // A missing drive root is an unmounted or dead disk: never recreate it on whatever lies beneath.
        if (!Directory.Exists(Path)) return false;
        try
        {
            for (var i = 0; i < 256; i++) Directory.CreateDirectory(System.IO.Path.Combine(fragments, i.ToString("x2")));
            DirectorySync.Sync(fragments);
            DirectorySync.Sync(Path);
            DeleteDeadRebuilds();
            // A drive set up just now (new, or a replaced disk) holds nothing: a count from before it failed is no longer true.
            var now = time.GetUtcNow();
            Volatile.Write(ref census, new FragmentCensus(0, 0, now));
            Volatile.Write(ref setUpAtTicks, now.UtcTicks);
            Volatile.Write(ref started, 1);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// A rebuild writes beside the fragment and renames over it when whole; one killed before its rename leaves its
    /// file, which no sweep lists (it is no fragment). Coming online (at start, or when the drive returns), no rebuild
    /// onto this drive can be in flight — it was not usable until now — so every such file is dead.
    /// </summary>
    private int started;

    private void DeleteDeadRebuilds()
    {
        foreach (var file in Directory.EnumerateFiles(fragments, "*.rebuild-*", SearchOption.AllDirectories))
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }

    public ValueTask<IFragmentSink> CreateAsync(string blobId, int slot, CancellationToken cancellationToken = default)
    {
        var file = FileOf(blobId, slot);
        var handle = File.OpenHandle(file, FileMode.CreateNew, FileAccess.Write, FileShare.Read, FileOptions.None);
        return ValueTask.FromResult<IFragmentSink>(new Sink(handle, file, file, stages));
    }

    public ValueTask<IFragmentSink> CreateReplacementAsync(string blobId, int slot, CancellationToken cancellationToken = default)
    {
        var file = FileOf(blobId, slot);
        var aside = $"{file}.rebuild-{Guid.NewGuid():N}";
        var handle = File.OpenHandle(aside, FileMode.CreateNew, FileAccess.Write, FileShare.Read, FileOptions.None);
        return ValueTask.FromResult<IFragmentSink>(new Sink(handle, aside, file, stages));
    }

    public ValueTask<IFragmentSource?> OpenAsync(string blobId, int slot, CancellationToken cancellationToken = default)
    {
        try
        {
            var handle = File.OpenHandle(FileOf(blobId, slot), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return ValueTask.FromResult<IFragmentSource?>(new Source(handle));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return ValueTask.FromResult<IFragmentSource?>(null);
        }
    }

    public async ValueTask<FragmentCheck> VerifyAsync(string blobId, int slot, long dataLength, CancellationToken cancellationToken = default)
    {
        using var source = await OpenAsync(blobId, slot, cancellationToken).ConfigureAwait(false);
        return source is null ? FragmentCheck.Missing : await FragmentReader.VerifyAsync(source, dataLength, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DeleteAsync(string blobId, int slot, CancellationToken cancellationToken = default)
    {
        File.Delete(FileOf(blobId, slot));
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The fragment files folder by folder. One that runs to its end records what it saw as the drive's census: a count the
    /// walks the drive needs anyway (the orphan sweep's) make on the way, never a walk of its own.
    /// </summary>
    public async IAsyncEnumerable<FragmentInfo> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!IsOnline) yield break;
        long count = 0, bytes = 0;
        foreach (var folder in Directory.EnumerateDirectories(fragments))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var info in new DirectoryInfo(folder).EnumerateFiles())
            {
                var dot = info.Name.LastIndexOf('.');
                // Files that are not "blob.slot" (a rebuild that died before its rename) are not fragments.
                if (dot <= 0 || !int.TryParse(info.Name.AsSpan(dot + 1), out var slot)) continue;
                count++;
                bytes += info.Length;
                yield return new FragmentInfo(info.Name[..dot], slot, info.Length, info.LastWriteTimeUtc);
            }
            await Task.Yield();
        }
        Volatile.Write(ref census, new FragmentCensus(count, bytes, time.GetUtcNow()));
    }

    public DriveStats Stats()
    {
        if (!IsOnline) return new DriveStats(DriveId, Path, 0, 0, false);
        var drive = new DriveInfo(Path);
        var setUp = Volatile.Read(ref setUpAtTicks);
        return new DriveStats(DriveId, Path, drive.TotalSize, drive.AvailableFreeSpace, true, Volatile.Read(ref census),
            setUp == 0 ? null : new DateTimeOffset(setUp, TimeSpan.Zero));
    }

    private string FileOf(string blobId, int slot) =>
        System.IO.Path.Combine(fragments, blobId[..2], $"{blobId}.{slot}");

    /// <summary>
    /// Writes <paramref name="file"/>; on commit it is fsync'd and, if it was written aside, renamed to
    /// <paramref name="final"/>. Bytes are staged in an aligned buffer: a fragment that outgrows it is
    /// written with O_DIRECT from then on (the tail padded, then the file cut to its length); a small one
    /// is written once, through the page cache, at commit.
    /// </summary>
    private sealed class Sink(SafeFileHandle handle, string file, string final, AlignedBufferPool buffers) : IFragmentSink
    {
        // Two stages: one is on its way to the disk while the next fills, so the body never waits for the drive.
        private byte[] filling = buffers.Rent();
        private byte[] writing = buffers.Rent();
        private Task inFlight = Task.CompletedTask;
        // The drive's cache is flushed every few MiB in the background as the fragment grows, so the
        // commit's fsync has little left to do: flushing 64 MiB at once took 25–100 ms on this kind of VM.
        private const long EarlyFlushBytes = 8 * 1024 * 1024;
        private Task earlyFlush = Task.CompletedTask;
        private long flushedUpTo;
        private SafeFileHandle? direct;
        private bool directRefused;
        private long position;   // bytes handed to the disk
        private int filled;      // bytes staged after them
        private bool committed;

        private Memory<byte> Stage => buffers.Window(filling);

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            while (!data.IsEmpty)
            {
                var take = Math.Min(buffers.Size - filled, data.Length);
                data[..take].CopyTo(Stage[filled..]);
                filled += take;
                data = data[take..];
                if (filled == buffers.Size) await FlushStageAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Sends the full stage to the disk (directly when the file system allows it) and starts filling the other.</summary>
        private async Task FlushStageAsync(CancellationToken cancellationToken)
        {
            await inFlight.ConfigureAwait(false);
            if (position - flushedUpTo >= EarlyFlushBytes && earlyFlush.IsCompleted)
            {
                await earlyFlush.ConfigureAwait(false); // a failed flush fails the fragment
                flushedUpTo = position; // every write below it has completed
                earlyFlush = Task.Run(() => RandomAccess.FlushToDisk(handle), cancellationToken);
            }
            if (direct is null && !directRefused)
            {
                direct = DirectFile.TryOpenForWrite(file);
                directRefused = direct is null;
            }
            inFlight = WriteStageAsync(Stage[..filled], position, cancellationToken);
            position += filled;
            filled = 0;
            (filling, writing) = (writing, filling);
        }

        /// <summary>A direct write the file system refuses after all (an odd sector size) is redone through the page cache, and so are the rest.</summary>
        private async Task WriteStageAsync(ReadOnlyMemory<byte> stage, long offset, CancellationToken cancellationToken)
        {
            if (direct is { } d)
            {
                try
                {
                    await RandomAccess.WriteAsync(d, stage, offset, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (IOException)
                {
                    direct = null;
                    directRefused = true;
                    d.Dispose();
                }
            }
            await RandomAccess.WriteAsync(handle, stage, offset, cancellationToken).ConfigureAwait(false);
        }

        public async Task CommitAsync(CancellationToken cancellationToken = default)
        {
            await inFlight.ConfigureAwait(false);
            await earlyFlush.ConfigureAwait(false);
            if (direct is not null && filled > 0)
            {
                // O_DIRECT writes whole aligned blocks: pad the tail, then cut the file back to its length.
                var length = position + filled;
                var padded = (filled + DirectFile.Alignment - 1) / DirectFile.Alignment * DirectFile.Alignment;
                Stage.Span[filled..padded].Clear();
                await RandomAccess.WriteAsync(direct, Stage[..padded], position, cancellationToken).ConfigureAwait(false);
                DirectFile.Truncate(handle, length);
                (position, filled) = (length, 0);
            }
            else if (filled > 0)
            {
                await RandomAccess.WriteAsync(handle, Stage[..filled], position, cancellationToken).ConfigureAwait(false);
                (position, filled) = (position + filled, 0);
            }
            // fsync blocks; run it off the request thread. It also flushes the drive's cache for the direct writes.
            await Task.Run(() =>
            {
                RandomAccess.FlushToDisk(handle);
                if (file != final) File.Move(file, final, overwrite: true);
                DirectorySync.Sync(System.IO.Path.GetDirectoryName(final)!);
                committed = true;
            }, cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var pending in new[] { inFlight, earlyFlush })
            {
                try
                {
                    await pending.ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException)
                {
                    // The write is being abandoned anyway.
                }
            }
            direct?.Dispose();
            handle.Dispose();
            buffers.Return(filling);
            buffers.Return(writing);
            if (!committed) File.Delete(file);
        }
    }

    private sealed class Source(SafeFileHandle handle) : IFragmentSource
    {
        public long Length { get; } = RandomAccess.GetLength(handle);

        public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            RandomAccess.ReadAsync(handle, buffer, offset, cancellationToken);

        public void Dispose() => handle.Dispose();
    }
}
