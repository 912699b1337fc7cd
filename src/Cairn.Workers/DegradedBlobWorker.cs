using Cairn.Data.Blobs;
using Cairn.Index.Objects;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers;

/// <summary>
/// Feeds repair the blobs the index lists as written with fragments missing (a drive was down, or its node away, while
/// they were written), on the node that runs repair. The list is durable, in each range: a node that restarts, or
/// leadership that moves, forgets nothing, so such a blob is made whole as soon as a drive can take its missing
/// fragments, not at the next scrub hours later — before another drive's absence could leave it unreadable. A blob
/// found whole (repair's flip takes it off the list) or no longer referenced is taken off here.
/// </summary>
public sealed partial class DegradedBlobWorker(BlobBookkeeping bookkeeping, IRepairRequests repairs, IWorkOwnership ownership, TimeProvider time,
    ILogger<DegradedBlobWorker> log) : PeriodicWorker(time)
{
    protected override TimeSpan Interval { get; } = TimeSpan.FromSeconds(5);

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        if (ownership.RunsRepair) await FeedAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override void PassFailed(Exception e) => LogPassFailed(e);

    /// <summary>Queues every listed blob still short of fragments for repair; takes the others off the list. How many it queued.</summary>
    public async Task<int> FeedAsync(CancellationToken cancellationToken)
    {
        var queued = 0;
        foreach (var (blobId, range) in await bookkeeping.DegradedAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (await bookkeeping.ReferenceAsync(blobId, cancellationToken).ConfigureAwait(false) is { Layout.MissingSlots.Count: > 0 })
            {
                repairs.RequestRepair(blobId);
                queued++;
            }
            else await bookkeeping.ForgetDegradedAsync(blobId, range, cancellationToken).ConfigureAwait(false);
        }
        return queued;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feeding repair the blobs written with fragments missing failed; the next interval tries again")]
    private partial void LogPassFailed(Exception e);
}
