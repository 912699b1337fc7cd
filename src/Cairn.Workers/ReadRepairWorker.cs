using Cairn.Data.Blobs;
using Cairn.Data.Drives;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers;

/// <summary>
/// Repairs the blobs reads found damaged (and blobs written degraded) as soon as they are reported, instead of
/// leaving a rotten or missing fragment unprotected until the next full scrub (every 6 h by default). A blob that
/// repair could not bring back to full protection (no healthy drive to rebuild on, too few survivors) is held back
/// until <see cref="RetryDelay"/> has passed or a drive has come or gone — with a drive dead and no spare, every GET
/// would otherwise re-verify its blob, and nothing but a change of drives lets the repair succeed — and is then tried
/// again by itself: a blob written while a node restarted is whole again soon after the node is back, before another
/// node's restart could leave it unreadable.
/// </summary>
public sealed partial class ReadRepairWorker(RepairQueue queue, ScrubAndRepair scrubber, IReadOnlyDictionary<string, IFragmentStore> drives,
    IDriveAvailability availability, TimeProvider time, ILogger<ReadRepairWorker> log) : BackgroundService
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(1);

    /// <summary>How often held-back blobs are looked at for a retry.</summary>
    public static readonly TimeSpan RetryCheck = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, HeldBack> heldBack = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retries = RetryHeldBackAsync(stoppingToken);
        try
        {
            await RepairReportedAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await retries.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RepairReportedAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            var blobId = await queue.TakeAsync(stoppingToken).ConfigureAwait(false);
            var now = time.GetTimestamp(); // a delay is elapsed time, not a wall-clock difference
            HeldBack held;
            bool isHeld;
            lock (gate) isHeld = heldBack.TryGetValue(blobId, out held);
            if (isHeld && time.GetElapsedTime(held.Since, now) < RetryDelay && held.OnlineDrives == OnlineDrives()) continue;
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
            lock (gate)
            {
                if (whole) heldBack.Remove(blobId);
                // Bounded: past the queue's size, the scheduled scrub finds the rest.
                else if (heldBack.Count < RepairQueue.DefaultCapacity || heldBack.ContainsKey(blobId)) heldBack[blobId] = new HeldBack(now, OnlineDrives());
            }
        }
    }

    /// <summary>Queues again every held-back blob whose delay passed or whose drives changed since its last try.</summary>
    private async Task RetryHeldBackAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RetryCheck, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var (now, online) = (time.GetTimestamp(), OnlineDrives());
            List<string> due;
            lock (gate) due = heldBack.Where(h => time.GetElapsedTime(h.Value.Since, now) >= RetryDelay || h.Value.OnlineDrives != online).Select(h => h.Key).ToList();
            foreach (var blobId in due) queue.RequestRepair(blobId);
        }
    }

    /// <summary>
    /// The drives repair may use now, as repair itself judges them (in a cluster the map's node and drive states count,
    /// not only what a drive last answered): a held-back blob is tried again when this changes.
    /// </summary>
    private string OnlineDrives()
    {
        var unavailable = availability.Unavailable();
        return string.Join(',', drives.Values.Where(d => d.Stats().Online && !unavailable.Contains(d.DriveId)).Select(d => d.DriveId).Order(StringComparer.Ordinal));
    }

    private readonly record struct HeldBack(long Since, string OnlineDrives);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair of blob {BlobId}, which a read found damaged, failed; the next report or scrub tries again")]
    private partial void LogRepairFailed(Exception e, string blobId);
}
