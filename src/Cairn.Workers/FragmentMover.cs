using System.Threading.Channels;
using Cairn.Data.Blobs;
using Cairn.Data.Drives;
using Cairn.Index.Objects;
using Cairn.Placement;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers;

/// <summary>
/// Moves fragments so the data follows the map: off draining drives first, then out of crowded failure domains, then
/// onto the drives placement wants (a drive or node added, an empty drive put back) — see <see cref="MovePlan"/>. One
/// pass at a time, on the node that runs repair, whenever one is asked for (<see cref="Request"/>); asks made during a
/// pass are folded into one more pass. Each blob is copied (every block verified), its layout flipped with repair's
/// index command, then its old copies deleted: a fragment leaves a drive only once its copy is durable and named by the
/// index, so nothing is ever less protected than before. Blobs move one at a time under the layout gate, so repair and
/// scrub interleave with a long pass rather than wait for it; the bytes copied are throttled by a token bucket at
/// <see cref="DurabilityOptions.RebalanceBytesPerSecond"/> (the scrub rate when rebalance is off, 0). A pass stops
/// when this node stops running repair; the next owner starts over from a fresh plan, in which moves done are gone.
/// </summary>
public sealed partial class FragmentMover : BackgroundService
{
    /// <summary>How long after a pass that left failed moves the next one starts.</summary>
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    private readonly Channel<bool> asks = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly BlobBookkeeping bookkeeping;
    private readonly ObjectCatalog objects;
    private readonly BlobRepair repair;
    private readonly IReadOnlyDictionary<string, IFragmentStore> drives;
    private readonly IPlacement placement;
    private readonly IDriveAvailability availability;
    private readonly LayoutWorkGate gate;
    private readonly IWorkOwnership ownership;
    private readonly TimeProvider time;
    private readonly ILogger<FragmentMover> log;
    private readonly TokenBucket throttle;

    public FragmentMover(BlobBookkeeping bookkeeping, ObjectCatalog objects, BlobRepair repair, IReadOnlyDictionary<string, IFragmentStore> drives,
        IPlacement placement, IDriveAvailability availability, LayoutWorkGate gate, IWorkOwnership ownership, DurabilityOptions options,
        TimeProvider time, ILogger<FragmentMover> log)
    {
        (this.bookkeeping, this.objects, this.repair, this.drives, this.placement, this.availability, this.gate, this.ownership, this.time, this.log) =
            (bookkeeping, objects, repair, drives, placement, availability, gate, ownership, time, log);
        Rebalances = options.RebalanceBytesPerSecond > 0;
        throttle = new TokenBucket(Rebalances ? options.RebalanceBytesPerSecond : options.ScrubBytesPerSecond, time);
        Progress = new MoveProgress(throttle.BytesPerSecond, time);
    }

    /// <summary>Whether fragments move onto drives the map gains (the rebalance rate is not 0); evacuation and spread-back always run.</summary>
    public bool Rebalances { get; }

    public MoveProgress Progress { get; }

    /// <summary>Asks for a pass; returns at once.</summary>
    public void Request() => asks.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var _ in asks.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!ownership.RunsRepair) continue;
            try
            {
                if (await RunAsync(stoppingToken).ConfigureAwait(false) > 0)
                {
                    await Task.Delay(RetryAfter, time, stoppingToken).ConfigureAwait(false);
                    Request();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Progress.Idle("failed: " + e.Message);
                LogPassFailed(e);
            }
        }
    }

    /// <summary>One pass: plan from every layout, then move blob by blob. Returns the fragments whose move failed.</summary>
    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        Progress.Planning();
        var plan = await PlanAsync(cancellationToken).ConfigureAwait(false);
        if (plan.Count == 0)
        {
            Progress.NothingToMove();
            return 0;
        }
        Progress.Moving(plan.Sum(p => p.Moves.Count));
        LogPlanned(plan.Count, plan.Sum(p => p.Moves.Count), plan.Count(p => p.Reason == MoveReason.Evacuate), plan.Count(p => p.Reason == MoveReason.Spread),
            plan.Count(p => p.Reason == MoveReason.Rebalance));
        long failed = 0;
        foreach (var planned in plan)
        {
            if (!ownership.RunsRepair)
            {
                Progress.Idle("ownership moved");
                LogOwnershipMoved();
                return 0;
            }
            await throttle.TakeAsync(planned.Bytes, cancellationToken).ConfigureAwait(false);
            failed += await gate.RunAsync(() => MoveAsync(planned, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        Progress.Idle();
        var report = Progress.Report();
        LogPassDone(report.FragmentsMoved, report.BytesMoved, report.FragmentsFailed, report.FragmentsSkipped);
        return failed;
    }

    /// <summary>Evacuation first; then the blobs with the most fragments in one domain (they lose most when it fails).</summary>
    private async Task<List<PlannedMove>> PlanAsync(CancellationToken cancellationToken)
    {
        var (unavailable, draining) = (availability.Unavailable(), availability.Draining());
        var plan = new List<PlannedMove>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var reference in bookkeeping.ReferencesAsync(cancellationToken).ConfigureAwait(false))
            if (reference.Layout is { } layout && seen.Add(layout.BlobId) && MovePlan.For(layout, placement, unavailable, draining, Rebalances) is { } planned)
                plan.Add(planned);
        return [.. plan.OrderBy(p => p.Reason).ThenByDescending(p => p.Crowding)];
    }

    /// <summary>
    /// Copy, flip, delete, from the blob's layout as it is now (repair may have changed it since the plan). A reader holding
    /// the old layout that finds an old copy gone rebuilds that stripe from parity. Returns the fragments that failed.
    /// </summary>
    private async Task<long> MoveAsync(PlannedMove first, CancellationToken cancellationToken)
    {
        var blobId = first.Layout.BlobId;
        if (await bookkeeping.ReferenceAsync(blobId, cancellationToken).ConfigureAwait(false) is not { Layout: { } layout }
            || MovePlan.For(layout, placement, availability.Unavailable(), availability.Draining(), Rebalances) is not { } planned)
        {
            Progress.Skipped(first.Moves.Count);
            return 0;
        }
        try
        {
            var moved = await repair.CopyAsync(layout, planned.Moves, cancellationToken).ConfigureAwait(false);
            if (!await objects.ReplaceLayoutAsync(layout, moved, cancellationToken).ConfigureAwait(false))
            {
                // Reaped or repaired meanwhile: the copies are referenced by nothing.
                await DeleteAsync(blobId, planned.Moves.Select(m => (m.Key, m.Value)), cancellationToken).ConfigureAwait(false);
                Progress.Skipped(planned.Moves.Count);
                return 0;
            }
            await DeleteAsync(blobId, planned.Moves.Keys.Select(slot => (slot, layout.Drives[slot])), cancellationToken).ConfigureAwait(false);
            Progress.Moved(planned.Moves.Count, planned.Bytes);
            return 0;
        }
        catch (IOException e)
        {
            // A source rotten or a target gone: scrub and repair deal with the first, the next pass retries the second;
            // a copy already committed is an orphan the GC frees.
            LogMoveFailed(e, blobId);
            Progress.Failed(planned.Moves.Count);
            return planned.Moves.Count;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Fragment mover: {Fragments} fragments of {Blobs} blobs to move ({Evacuate} blobs off draining drives, {Spread} spread back, {Rebalance} rebalanced)")]
    private partial void LogPlanned(int blobs, int fragments, int evacuate, int spread, int rebalance);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fragment mover: {Fragments} fragments ({Bytes} bytes) moved, {Failed} failed, {Skipped} skipped")]
    private partial void LogPassDone(long fragments, long bytes, long failed, long skipped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fragment mover stopped: this node no longer runs repair; the next owner plans again")]
    private partial void LogOwnershipMoved();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moving blob {BlobId} failed; the next pass retries")]
    private partial void LogMoveFailed(Exception e, string blobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Old copy {BlobId}.{Slot} on {Drive} could not be deleted")]
    private partial void LogDeleteFailed(Exception e, string blobId, int slot, string drive);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fragment move pass failed; the next ask starts another")]
    private partial void LogPassFailed(Exception e);
}
