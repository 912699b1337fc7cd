using System.Diagnostics;
using Cairn.Core.Blobs;
using Cairn.Data.Blobs;
using Cairn.Data.Drives;
using Cairn.Index.Objects;
using Cairn.Placement;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers;

public sealed record SpreadBackResult(long StaleFragmentsDeleted, long BlobsSpread, long FragmentsMoved, long BlobsFailed);

/// <summary>
/// Undoes what a domain's absence did to the spread once it is back. First the returned drives' stale fragments
/// go: a fragment of a referenced blob whose layout now names another drive for that slot (repair rebuilt it
/// elsewhere). Then every blob whose layout crowds a failure domain beyond what placement wants (see
/// <see cref="SpreadPlan"/>) has those fragments copied to the drives placement wants, most crowded blobs first,
/// paced like scrub; the layout is flipped with repair's index command and the old copies deleted. Runs under
/// the same gate as scrub and repair, on the node that owns the index's work.
/// </summary>
public sealed partial class SpreadBack(BlobBookkeeping bookkeeping, ObjectCatalog objects, BlobRepair repair,
    IReadOnlyDictionary<string, IFragmentStore> drives, IPlacement placement, IDriveAvailability availability, LayoutWorkGate gate,
    DurabilityOptions options, ILogger<SpreadBack> log)
{
    /// <summary>Deletes the stale fragments of <paramref name="returnedDrives"/>, then spreads every crowded blob back.</summary>
    public Task<SpreadBackResult> RunAsync(IReadOnlyCollection<string> returnedDrives, CancellationToken cancellationToken) =>
        gate.RunAsync(async () =>
        {
            var stale = 0L;
            foreach (var drive in returnedDrives)
                if (drives.TryGetValue(drive, out var store)) stale += await DeleteStaleAsync(store, cancellationToken).ConfigureAwait(false);
            var (spread, moved, failed) = await SpreadAsync(cancellationToken).ConfigureAwait(false);
            LogSpread(stale, spread, moved, failed);
            return new SpreadBackResult(stale, spread, moved, failed);
        }, cancellationToken);

    /// <summary>
    /// Only fragments of blobs the index references are judged here, so a PUT still writing (its blob not yet
    /// referenced) is never touched; orphans of failed PUTs are the GC's, after its grace period.
    /// </summary>
    private async Task<long> DeleteStaleAsync(IFragmentStore drive, CancellationToken cancellationToken)
    {
        var deleted = 0L;
        try
        {
            await foreach (var fragment in drive.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await bookkeeping.ReferenceAsync(fragment.BlobId, cancellationToken).ConfigureAwait(false) is not { Layout: { } layout }) continue;
                if (fragment.Slot < layout.Drives.Count && layout.Drives[fragment.Slot] == drive.DriveId) continue;
                await drive.DeleteAsync(fragment.BlobId, fragment.Slot, cancellationToken).ConfigureAwait(false);
                deleted++;
            }
        }
        catch (IOException e)
        {
            // Gone again: its fragments are judged when it next returns.
            LogStaleSweepFailed(e, drive.DriveId);
        }
        return deleted;
    }

    private async Task<(long Spread, long Moved, long Failed)> SpreadAsync(CancellationToken cancellationToken)
    {
        var unavailable = availability.Unavailable();
        var plans = new List<(BlobLayout Layout, IReadOnlyDictionary<int, string> Moves, int Crowding)>();
        await foreach (var reference in bookkeeping.ReferencesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reference.Layout is not { } layout) continue;
            var moves = SpreadPlan.Moves(layout, placement, unavailable);
            if (moves.Count > 0) plans.Add((layout, moves, SpreadPlan.Crowding(layout, placement)));
        }
        long spread = 0, moved = 0, failed = 0, bytes = 0;
        var clock = Stopwatch.StartNew();
        // A blob with more of its fragments in one domain loses more when that domain fails: those move first.
        foreach (var (layout, moves, _) in plans.OrderByDescending(p => p.Crowding))
        {
            if (await MoveAsync(layout, moves, cancellationToken).ConfigureAwait(false))
            {
                spread++;
                moved += moves.Count;
            }
            else failed++;
            bytes += moves.Count * layout.FragmentLength;
            await Pacing.PaceAsync(bytes, clock, options.ScrubBytesPerSecond, cancellationToken).ConfigureAwait(false);
        }
        return (spread, moved, failed);
    }

    /// <summary>Copy, flip, delete: a reader holds either layout and finds every fragment it names, save an old copy deleted under a slow reader, which then rebuilds from parity.</summary>
    private async Task<bool> MoveAsync(BlobLayout layout, IReadOnlyDictionary<int, string> moves, CancellationToken cancellationToken)
    {
        try
        {
            var spreadLayout = await repair.CopyAsync(layout, moves, cancellationToken).ConfigureAwait(false);
            if (!await objects.ReplaceLayoutAsync(layout, spreadLayout, cancellationToken).ConfigureAwait(false))
            {
                // Reaped or repaired meanwhile: the copies are referenced by nothing.
                await DeleteAsync(layout.BlobId, moves.Select(m => (m.Key, m.Value)), cancellationToken).ConfigureAwait(false);
                return false;
            }
            await DeleteAsync(layout.BlobId, moves.Keys.Select(slot => (slot, layout.Drives[slot])), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (IOException e)
        {
            // A source rotten or a target gone: scrub and repair deal with the first, the next pass retries the second;
            // a copy already committed is an orphan the GC frees.
            LogMoveFailed(e, layout.BlobId);
            return false;
        }
    }

    private async Task DeleteAsync(string blobId, IEnumerable<(int Slot, string Drive)> fragments, CancellationToken cancellationToken)
    {
        foreach (var (slot, drive) in fragments)
        {
            try
            {
                await drives[drive].DeleteAsync(blobId, slot, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                // Unreachable now: an unreferenced fragment the GC's orphan sweep frees later.
                LogDeleteFailed(e, blobId, slot, drive);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Spread-back deleted {Stale} stale fragments and moved {Fragments} fragments of {Blobs} blobs back to the spread placement wants; {Failed} blobs failed")]
    private partial void LogSpread(long stale, long blobs, long fragments, long failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stale fragments of drive {Drive} could not be listed")]
    private partial void LogStaleSweepFailed(Exception e, string drive);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spreading blob {BlobId} back failed; the next pass retries")]
    private partial void LogMoveFailed(Exception e, string blobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Old copy {BlobId}.{Slot} on {Drive} could not be deleted")]
    private partial void LogDeleteFailed(Exception e, string blobId, int slot, string drive);
}
