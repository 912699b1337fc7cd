using Cairn.Data.Blobs;
using Cairn.Data.Drives;
using Cairn.Index.Objects;
using Cairn.Index.Shards;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers;

public sealed record GarbageCollectorOptions
{
    /// <summary>How often the free queue is drained.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>An unreferenced fragment is left alone until sweeps have found it so for this long (elapsed time): its upload may still be committing.</summary>
    public TimeSpan OrphanGrace { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How often every drive is swept for orphans (bytes of PUTs that died before their commit).</summary>
    public TimeSpan OrphanSweepInterval { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Frees bytes: blobs that reaps put on the free queue of the ranges this node leads, and orphans on this node's
/// drives that no index record references (a PUT killed before its commit) once sweeps have found them so for the grace
/// period of elapsed time (<see cref="OrphanAges"/>; no clock is compared with a file's time).
/// </summary>
public sealed partial class GarbageCollector(BlobBookkeeping bookkeeping, BlobStore blobs, GarbageCollectorOptions options,
    IWorkOwnership ownership, TimeProvider time, ILogger<GarbageCollector> log) : BackgroundService
{
    private readonly OrphanAges orphans = new(time, options.OrphanGrace);
    private long? lastSweep;
    private long backlog, blobsFreed, orphansFreed;

    /// <summary>Blobs the free queues held at the start of the latest drain that it has not freed yet.</summary>
    public long Backlog => Interlocked.Read(ref backlog);

    /// <summary>Blobs freed from the free queues since this process started.</summary>
    public long BlobsFreed => Interlocked.Read(ref blobsFreed);

    /// <summary>Orphan fragments deleted by sweeps since this process started.</summary>
    public long OrphansFreed => Interlocked.Read(ref orphansFreed);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Interval, time);
        do
        {
            try
            {
                await DrainFreeQueueAsync(ownership.Tends, stoppingToken).ConfigureAwait(false);
                if (lastSweep is not { } last || time.GetElapsedTime(last) >= options.OrphanSweepInterval)
                {
                    await SweepOrphansAsync(stoppingToken).ConfigureAwait(false);
                    lastSweep = time.GetTimestamp();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPassFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Frees what the queues of the <paramref name="ranges"/> (null: every range) hold.</summary>
    public async Task<int> DrainFreeQueueAsync(Func<IIndexShard, bool>? ranges, CancellationToken cancellationToken)
    {
        var freed = 0;
        var queued = await bookkeeping.QueuedFreesAsync(ranges: ranges, cancellationToken: cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref backlog, queued.Count);
        foreach (var free in queued)
        {
            await blobs.FreeAsync(free.Blob, cancellationToken).ConfigureAwait(false);
            await bookkeeping.CompleteFreeAsync(free, cancellationToken).ConfigureAwait(false);
            freed++;
            Interlocked.Decrement(ref backlog);
            Interlocked.Increment(ref blobsFreed);
        }
        return freed;
    }

    public async Task<int> SweepOrphansAsync(CancellationToken cancellationToken)
    {
        var freed = 0;
        orphans.BeginSweep();
        foreach (var drive in blobs.Drives.Values.Where(d => ownership.SweepsDrive(d.DriveId)))
        {
            await foreach (var fragment in drive.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                if (blobs.IsInFlight(fragment.BlobId)) continue;
                // Referenced, and this drive still holds that slot: live. A slot repair moved elsewhere is not.
                var reference = await bookkeeping.ReferenceAsync(fragment.BlobId, cancellationToken).ConfigureAwait(false);
                if (reference is not null && (reference.Layout is not { } layout
                    || fragment.Slot < layout.Drives.Count && layout.Drives[fragment.Slot] == drive.DriveId)) continue;
                if (!orphans.IsDue(drive.DriveId, fragment)) continue;
                await drive.DeleteAsync(fragment.BlobId, fragment.Slot, cancellationToken).ConfigureAwait(false);
                LogOrphanFreed(fragment.BlobId, fragment.Slot, drive.DriveId, fragment.Length);
                freed++;
                Interlocked.Increment(ref orphansFreed);
            }
        }
        orphans.EndSweep();
        return freed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "GC pass failed")]
    private partial void LogPassFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "GC freed orphan fragment {BlobId}.{Slot} on {Drive} ({Bytes} bytes)")]
    private partial void LogOrphanFreed(string blobId, int slot, string drive, long bytes);
}
