using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Cairn.Data.Blobs;

/// <summary>
/// Blobs that reads found damaged, waiting for repair. Bounded, and a blob is queued at most once until
/// repair takes it, so a hot object read a thousand times while damaged costs one repair. When the queue
/// is full a report is dropped: the periodic scrub still finds that damage.
/// </summary>
public sealed class RepairQueue(int capacity = RepairQueue.DefaultCapacity) : IRepairRequests
{
    public const int DefaultCapacity = 1024;

    private readonly Channel<string> pending = Channel.CreateBounded<string>(
        new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly ConcurrentDictionary<string, byte> queued = new(StringComparer.Ordinal);

    /// <summary>Blobs waiting for repair.</summary>
    public int Depth => queued.Count;

    public void RequestRepair(string blobId)
    {
        if (!queued.TryAdd(blobId, 0)) return;
        // TryWrite never waits: false means full, and the blob must not stay marked as queued.
        if (!pending.Writer.TryWrite(blobId)) queued.TryRemove(blobId, out _);
    }

    /// <summary>The next blob to repair. From now on a new report of it queues it again: damage found during its repair is not lost.</summary>
    public async ValueTask<string> TakeAsync(CancellationToken cancellationToken)
    {
        var blobId = await pending.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        queued.TryRemove(blobId, out _);
        return blobId;
    }
}
