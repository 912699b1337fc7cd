using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers;

/// <summary>The drives the drive monitor saw come back online, waiting to be refilled.</summary>
public sealed class DriveReturns
{
    private readonly Channel<string> returned = Channel.CreateUnbounded<string>();

    public void Post(string driveId) => returned.Writer.TryWrite(driveId);

    public IAsyncEnumerable<string> ReadAllAsync(CancellationToken cancellationToken) => returned.Reader.ReadAllAsync(cancellationToken);
}

/// <summary>
/// A drive that comes back (a failed disk replaced by an empty one at the same path, or the same disk remounted) is
/// refilled at once on the node that runs repair, not at the next scrub: the fragments the layouts name on it and it
/// lacks are rebuilt onto it, the fragments it holds that the layouts moved elsewhere meanwhile are deleted, and the
/// mover then brings back what was placed elsewhere during its absence. `cairn admin drive replace` does the same on demand.
/// </summary>
public sealed partial class ReturnedDriveRepair(DriveReturns returns, ScrubAndRepair scrubber, SpreadBack spreadBack, IWorkOwnership ownership,
    ILogger<ReturnedDriveRepair> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var drive in returns.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!ownership.RunsRepair) continue;
            try
            {
                await RefillAsync(drive, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefillFailed(e, drive);
            }
        }
    }

    /// <summary>Rebuilds what the drive lacks, deletes what it holds stale, and asks the mover to bring back what went elsewhere.</summary>
    public async Task<DriveRefill> RefillAsync(string driveId, CancellationToken cancellationToken)
    {
        var repair = await scrubber.RepairDriveAsync(driveId, cancellationToken).ConfigureAwait(false);
        var stale = await spreadBack.RunAsync([driveId], cancellationToken).ConfigureAwait(false);
        LogRefilled(driveId, repair.FragmentsRebuilt, stale);
        return new DriveRefill(driveId, repair.BlobsRepaired, repair.FragmentsRebuilt, repair.BlobsLeftDegraded, stale);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Drive {Drive} refilled: {Rebuilt} fragments rebuilt onto it, {Stale} stale ones deleted; the mover brings back what went elsewhere")]
    private partial void LogRefilled(string drive, long rebuilt, long stale);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refilling returned drive {Drive} failed; the scheduled scrub finds what it lacks")]
    private partial void LogRefillFailed(Exception e, string drive);
}

/// <summary>What refilling a returned drive did.</summary>
public sealed record DriveRefill(string Drive, long BlobsRepaired, long FragmentsRebuilt, long BlobsLeftDegraded, long StaleFragmentsDeleted);
