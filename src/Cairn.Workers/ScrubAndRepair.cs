using System.Diagnostics;
using Cairn.Core.Blobs;
using Cairn.Data.Blobs;
using Cairn.Data.Drives;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Placement;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers;

public sealed record ScrubResult(long Blobs, long Bytes, IReadOnlyList<(BlobReference Reference, BlobDamage Damage)> Damaged);

public sealed record RepairResult(long BlobsRepaired, long FragmentsRebuilt, long BlobsLeftDegraded, long BlobsUnrepairable);

/// <summary>
/// Scrub walks every referenced blob and verifies every block of every fragment; repair rebuilds
/// what scrub found lost, most endangered blobs (smallest margin: surviving fragments minus k) first, onto
/// drives placement picks, then flips each blob's layout in the index. A blob that was reaped meanwhile
/// keeps nothing: its rebuilt fragments are freed.
/// </summary>
public sealed partial class ScrubAndRepair(BlobBookkeeping bookkeeping, ObjectCatalog objects, BlobRepair repair,
    IReadOnlyDictionary<string, IFragmentStore> drives, IPlacement placement, IDriveAvailability availability, LayoutWorkGate gate,
    DurabilityLedger ledger, DurabilityOptions options, ScrubProgress figures, ILogger<ScrubAndRepair> log)
{
    /// <summary>Whether a scrub, a repair or another pass that moves fragments runs on this node now (one at a time).</summary>
    public bool IsRunning => gate.IsBusy;

    /// <summary>The figures of the current or last scrub (or scrub and repair) pass.</summary>
    public ScrubReport Progress => figures.Report();

    public Task<ScrubResult> ScrubAsync(IProgress<long>? progress, CancellationToken cancellationToken) =>
        gate.RunAsync(() => ReportedAsync("scrub", () => ScrubLockedAsync(progress, cancellationToken)), cancellationToken);

    /// <summary>Scrub, then repair everything it found.</summary>
    public Task<(ScrubResult Scrub, RepairResult Repair)> ScrubAndRepairAsync(IProgress<long>? progress, CancellationToken cancellationToken) =>
        gate.RunAsync(() => ReportedAsync("repair", async () =>
        {
            var scrub = await ScrubLockedAsync(progress, cancellationToken).ConfigureAwait(false);
            figures.Repairing(scrub.Damaged.Count);
            return (scrub, await RepairLockedAsync(scrub.Damaged, cancellationToken).ConfigureAwait(false));
        }), cancellationToken);

    /// <summary>A full pass, its figures kept in <see cref="Progress"/> while it runs.</summary>
    private async Task<T> ReportedAsync<T>(string kind, Func<Task<T>> pass)
    {
        figures.Counting(kind);
        try
        {
            return await pass().ConfigureAwait(false);
        }
        finally
        {
            figures.Idle();
        }
    }

    /// <summary>
    /// Repairs every blob with a fragment on an unavailable drive (a down node's, a dead disk's), most endangered
    /// first. Found from the layouts alone, with no fragment verified: after a node is lost, the stripes one
    /// failure away from loss are rebuilt before a full scrub would even have reached them. Rot on the drives
    /// still up is the scheduled scrub's to find.
    /// </summary>
    public Task<RepairResult> RepairUnavailableAsync(CancellationToken cancellationToken) =>
        gate.RunAsync(async () =>
        {
            var references = await bookkeeping.ReferencesAsync(cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
            var endangered = EndangeredStripes.Collect(references, availability.Unavailable());
            ledger.FoundLost(endangered.Sum(d => d.Damage.BadSlots.Count));
            LogEndangered(endangered.Count, string.Join(", ", endangered.GroupBy(d => EndangeredStripes.Margin(d.Damage)).Select(g => $"margin {g.Key}: {g.Count()}")));
            return await RepairLockedAsync(endangered, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Refills a drive that came back empty (a failed disk replaced at the same path): every fragment the layouts name on
    /// it and it does not hold is rebuilt, in place, from the blob's other fragments. Found from one listing of the drive
    /// and the layouts, with no fragment verified (rot is the scrub's). Returns what repair did.
    /// </summary>
    public Task<RepairResult> RepairDriveAsync(string driveId, CancellationToken cancellationToken) =>
        gate.RunAsync(async () =>
        {
            if (!drives.TryGetValue(driveId, out var drive)) throw new ArgumentException($"No drive {driveId}.", nameof(driveId));
            var held = new HashSet<(string, int)>();
            await foreach (var fragment in drive.ListAsync(cancellationToken).ConfigureAwait(false)) held.Add((fragment.BlobId, fragment.Slot));
            var damaged = new List<(BlobReference, BlobDamage)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var reference in bookkeeping.ReferencesAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reference.Layout is not { } layout || !layout.IsStriped || !seen.Add(layout.BlobId)) continue;
                var missing = Enumerable.Range(0, layout.TotalFragments)
                    .Where(s => layout.MissingSlots.Contains(s) || layout.Drives[s] == driveId && !held.Contains((layout.BlobId, s))).ToList();
                if (missing.Any(s => layout.Drives[s] == driveId)) damaged.Add((reference, new BlobDamage(layout, missing)));
            }
            ledger.FoundLost(damaged.Sum(d => d.Item2.BadSlots.Count));
            LogRefilling(driveId, damaged.Count);
            return await RepairLockedAsync(damaged, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Verifies and repairs one blob that a read found damaged. The read saw only the stripes and shards it
    /// needed, so the whole blob is verified first: that finds all of its damage, and a report of damage
    /// repaired since costs a read, not a rebuild. True when the blob is whole afterwards, or no longer
    /// referenced (reaped: nothing to protect).
    /// </summary>
    public Task<bool> RepairBlobAsync(string blobId, CancellationToken cancellationToken) =>
        gate.RunAsync(async () =>
        {
            if (await bookkeeping.ReferenceAsync(blobId, cancellationToken).ConfigureAwait(false) is not { Layout: { } layout } reference) return true;
            var (bad, _) = await repair.VerifyAsync(layout, cancellationToken).ConfigureAwait(false);
            if (bad.Count == 0) return true;
            ledger.FoundLost(bad.Count);
            var result = await RepairLockedAsync([(reference, new BlobDamage(layout, bad))], cancellationToken).ConfigureAwait(false);
            return result.BlobsRepaired == 1 && result.BlobsLeftDegraded == 0;
        }, cancellationToken);

    private async Task<ScrubResult> ScrubLockedAsync(IProgress<long>? progress, CancellationToken cancellationToken)
    {
        long count = 0, bytes = 0, lost = 0;
        var damaged = new List<(BlobReference, BlobDamage)>();
        // A first walk of the layouts (no fragment read) gives the totals the progress is measured against.
        long totalBlobs = 0, totalBytes = 0;
        await foreach (var reference in bookkeeping.ReferencesAsync(cancellationToken).ConfigureAwait(false))
            if (reference.Layout is { } counted)
            {
                totalBlobs++;
                totalBytes += (long)(counted.TotalFragments - counted.MissingSlots.Count) * (counted.IsStriped ? counted.FragmentLength : counted.Length);
            }
        figures.Scrubbing(totalBlobs, totalBytes);
        var clock = Stopwatch.StartNew();
        await foreach (var reference in bookkeeping.ReferencesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reference.Layout is not { } layout) continue;
            var (bad, read) = await repair.VerifyAsync(layout, cancellationToken).ConfigureAwait(false);
            count++;
            bytes += read;
            ledger.Verified(layout.TotalFragments - bad.Count);
            figures.Scrubbed(read, bad.Count);
            progress?.Report(count);
            if (bad.Count > 0)
            {
                lost += bad.Count;
                damaged.Add((reference, new BlobDamage(layout, bad)));
            }
            await Pacing.PaceAsync(bytes, clock, options.ScrubBytesPerSecond, cancellationToken).ConfigureAwait(false);
        }
        ledger.Scrubbed(count, bytes, lost);
        LogScrubbed(count, bytes, lost);
        return new ScrubResult(count, bytes, damaged);
    }

    private async Task<RepairResult> RepairLockedAsync(IReadOnlyList<(BlobReference Reference, BlobDamage Damage)> damaged, CancellationToken cancellationToken)
    {
        long repaired = 0, rebuilt = 0, degraded = 0, unrepairable = 0;
        var offline = availability.Unavailable();
        foreach (var (reference, damage) in EndangeredStripes.MostEndangeredFirst(damaged))
        {
            var layout = damage.Layout;
            if (damage.Survivors < layout.DataFragments || !layout.IsStriped)
            {
                ledger.Unrepairable();
                unrepairable++;
                LogUnrepairable(layout.BlobId, damage.Survivors, layout.DataFragments);
                continue;
            }
            var targets = ChooseTargets(layout, damage.BadSlots, offline);
            if (targets.Count == 0) { degraded++; continue; }
            var clock = Stopwatch.StartNew();
            try
            {
                var rebuiltLayout = await repair.RebuildAsync(layout, damage.BadSlots.ToHashSet(), targets, cancellationToken).ConfigureAwait(false);
                if (!await objects.ReplaceLayoutAsync(layout, rebuiltLayout, cancellationToken).ConfigureAwait(false))
                {
                    // Reaped while we rebuilt: nothing references the new fragments.
                    foreach (var (slot, drive) in targets)
                        if (drive != layout.Drives[slot]) await drives[drive].DeleteAsync(layout.BlobId, slot, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                ledger.Rebuilt(targets.Count, targets.Count * layout.FragmentLength, clock.Elapsed);
                figures.Repaired(targets.Count);
                repaired++;
                rebuilt += targets.Count;
                if (targets.Count < damage.BadSlots.Count) degraded++;
            }
            catch (IOException e)
            {
                LogRepairFailed(e, layout.BlobId);
                degraded++;
            }
        }
        LogRepaired(repaired, rebuilt, degraded);
        return new RepairResult(repaired, rebuilt, degraded, unrepairable);
    }

    /// <summary>
    /// Where each lost slot is rebuilt: in place when its drive is up and only the file went bad, else
    /// on a drive placement picks that keeps the failure-domain rule.
    /// </summary>
    private Dictionary<int, string> ChooseTargets(BlobLayout layout, IReadOnlyList<int> badSlots, IReadOnlySet<string> offline)
    {
        var targets = new Dictionary<int, string>();
        var kept = Enumerable.Range(0, layout.TotalFragments).Where(s => !badSlots.Contains(s)).Select(s => layout.Drives[s]).ToList();
        foreach (var slot in badSlots)
        {
            var home = layout.Drives[slot];
            var target = !offline.Contains(home) && drives.ContainsKey(home) && !kept.Contains(home)
                ? home
                : placement.Replacement(layout.BlobId, kept, layout.ParityFragments, offline);
            if (target is null) continue;
            targets[slot] = target;
            kept.Add(target);
        }
        return targets;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scrub verified {Blobs} blobs ({Bytes} bytes): {Lost} fragments lost or rotten")]
    private partial void LogScrubbed(long blobs, long bytes, long lost);

    [LoggerMessage(Level = LogLevel.Information, Message = "Repair rebuilt {Fragments} fragments of {Blobs} blobs; {Degraded} still degraded")]
    private partial void LogRepaired(long blobs, long fragments, long degraded);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repairing {Blobs} blobs with fragments on unavailable drives, most endangered first ({ByMargin})")]
    private partial void LogEndangered(int blobs, string byMargin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drive {Drive} is back: rebuilding onto it the fragments of {Blobs} blobs it no longer holds")]
    private partial void LogRefilling(string drive, int blobs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Blob {BlobId} has {Survivors} fragments left, {Needed} are needed: it cannot be rebuilt")]
    private partial void LogUnrepairable(string blobId, int survivors, int needed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair of blob {BlobId} failed")]
    private partial void LogRepairFailed(Exception e, string blobId);
}
