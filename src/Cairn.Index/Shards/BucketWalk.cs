using Cairn.Index.Records;

namespace Cairn.Index.Shards;

/// <summary>
/// A bucket's object rows walked in key order, opening each range (past its read barrier) only when the walk
/// reaches it: a listing page asks the ranges its keys are in, not every range of the bucket. Each range is read
/// at its own point in time, as <see cref="SpannedSnapshot.Joined"/> reads them. A range this node holds no replica
/// of is read in windows fetched from a member (<see cref="ReadScope.Window"/>), each a key's rows whole, the next
/// fetched when the walk passes the end of the one before.
/// </summary>
public sealed class BucketWalk(IndexRouter router, CancellationToken cancellationToken) : IDisposable
{
    private readonly List<SpannedSnapshot> open = [];

    /// <summary>The first object row in [from, to), going on into the next range (or window) when one holds none.</summary>
    public async ValueTask<IndexEntry?> FirstAsync(byte[] from, byte[] to)
    {
        while (from.AsSpan().SequenceCompareTo(to) < 0)
        {
            var part = await RangeOfAsync(from, to).ConfigureAwait(false);
            var end = Min(to, part.Span.RowsTo);
            var read = FetchedSnapshot.ReadableTo(part.Snapshot, end);
            if (part.Snapshot.First(from, read) is { } entry) return entry;
            if (read.AsSpan().SequenceCompareTo(end) < 0)
            {
                from = read;
                continue;
            }
            if (part.Span.End is null) return null;
            from = end;
        }
        return null;
    }

    /// <summary>The snapshot of the range holding an object row the walk returned (every row of one key is in one range, and one window).</summary>
    public async ValueTask<IIndexSnapshot> AtAsync(byte[] row) => (await RangeOfAsync(row, IndexKeys.ObjectRowsEnd()).ConfigureAwait(false)).Snapshot;

    /// <summary>The open range holding the row, or the range opened at it, read up to <paramref name="to"/> at most.</summary>
    private async ValueTask<SpannedSnapshot> RangeOfAsync(byte[] row, byte[] to)
    {
        var point = IndexKeys.PointOfObjectRow(row).ToArray();
        for (var i = 0; i < open.Count; i++)
        {
            var part = open[i];
            if (!part.Span.Contains(point)) continue;
            if (part.Snapshot is not FetchedSnapshot fetched || fetched.Holds(row)) return part;
            // Past the window read so far: the range's next window replaces it.
            part.Snapshot.Dispose();
            open.RemoveAt(i);
            break;
        }
        var opened = await router.ReadRangeAtAsync(point, ReadScope.Window(row, to), cancellationToken).ConfigureAwait(false);
        open.Add(opened);
        return opened;
    }

    private static byte[] Min(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b) <= 0 ? a : b;

    public void Dispose()
    {
        foreach (var part in open) part.Snapshot.Dispose();
        open.Clear();
    }
}
