using Cairn.Data.Drives;
using Cairn.Index.Objects;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers;

/// <summary>
/// Undoes what a domain's absence did once it is back. First the returned drives' stale fragments go: a fragment of a
/// referenced blob whose layout now names another drive for that slot (repair rebuilt it elsewhere). Then the
/// <see cref="FragmentMover"/> is asked for a pass, which moves every fragment crowding a failure domain back onto the
/// spread placement wants. The sweep runs under the same gate as scrub and repair, on the node that runs repair.
/// </summary>
public sealed partial class SpreadBack(BlobBookkeeping bookkeeping, IReadOnlyDictionary<string, IFragmentStore> drives, LayoutWorkGate gate,
    FragmentMover mover, ILogger<SpreadBack> log)
{
    /// <summary>Deletes the stale fragments of <paramref name="returnedDrives"/>, then asks the mover to spread every crowded blob back. Returns the fragments deleted.</summary>
    public async Task<long> RunAsync(IReadOnlyCollection<string> returnedDrives, CancellationToken cancellationToken)
    {
        var stale = await gate.RunAsync(async () =>
        {
            var deleted = 0L;
            foreach (var drive in returnedDrives)
                if (drives.TryGetValue(drive, out var store)) deleted += await DeleteStaleAsync(store, cancellationToken).ConfigureAwait(false);
            return deleted;
        }, cancellationToken).ConfigureAwait(false);
        LogSpread(stale);
        mover.Request();
        return stale;
    }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Spread-back deleted {Stale} stale fragments; the fragment mover spreads crowded stripes back")]
    private partial void LogSpread(long stale);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stale fragments of drive {Drive} could not be listed")]
    private partial void LogStaleSweepFailed(Exception e, string drive);
}
