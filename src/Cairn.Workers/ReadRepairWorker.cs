using Cairn.Data.Blobs;
using Cairn.Data.Drives;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers;

/// <summary>
/// Repairs the blobs reads found damaged as soon as they are reported, instead of leaving a rotten or
/// missing fragment unprotected until the next full scrub (every 6 h by default). A blob that repair could
/// not bring back to full protection (no healthy drive to rebuild on, too few survivors) is held back until
/// <see cref="RetryDelay"/> has passed or a drive has come or gone: with a drive dead and no spare, every
/// GET would otherwise re-verify its blob, and nothing but a change of drives lets the repair succeed.
/// </summary>
public sealed partial class ReadRepairWorker(RepairQueue queue, ScrubAndRepair scrubber, IReadOnlyDictionary<string, IFragmentStore> drives,
    TimeProvider time, ILogger<ReadRepairWorker> log) : BackgroundService
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, HeldBack> heldBack = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            var blobId = await queue.TakeAsync(stoppingToken).ConfigureAwait(false);
            var now = time.GetTimestamp(); // a delay is elapsed time, not a wall-clock difference
            if (heldBack.TryGetValue(blobId, out var held) && time.GetElapsedTime(held.Since, now) < RetryDelay && held.OnlineDrives == OnlineDrives()) continue;
            bool whole;
            try
            {
                whole = await scrubber.RepairBlobAsync(blobId, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRepairFailed(e, blobId);
                whole = false;
            }
            if (whole) heldBack.Remove(blobId);
            else heldBack[blobId] = new HeldBack(now, OnlineDrives());
            ForgetExpired(now);
        }
    }

    private string OnlineDrives() => string.Join(',', drives.Values.Where(d => d.Stats().Online).Select(d => d.DriveId).Order(StringComparer.Ordinal));

    /// <summary>Keeps the held-back set to the blobs still inside their delay, so it cannot grow without bound.</summary>
    private void ForgetExpired(long now)
    {
        if (heldBack.Count < RepairQueue.DefaultCapacity) return;
        foreach (var (blobId, held) in heldBack.ToList())
            if (time.GetElapsedTime(held.Since, now) >= RetryDelay) heldBack.Remove(blobId);
    }

    private readonly record struct HeldBack(long Since, string OnlineDrives);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair of blob {BlobId}, which a read found damaged, failed; the next report or scrub tries again")]
    private partial void LogRepairFailed(Exception e, string blobId);
}
