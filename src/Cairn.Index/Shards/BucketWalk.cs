using Cairn.Index.Records;

namespace Cairn.Index.Shards;

/// <summary>
/// A bucket's object rows walked in key order, opening each range (past its read barrier) only when the walk
/// reaches it: a listing page asks the ranges its keys are in, not every range of the bucket. Each range is read
/// at its own point in time, as <see cref="SpannedSnapshot.Joined"/> reads them.
/// </summary>
public sealed class BucketWalk(IndexRouter router, CancellationToken cancellationToken) : IDisposable
{
    private readonly List<SpannedSnapshot> open = [];

    /// <summary>The first object row in [from, to), going on into the next range when one holds none.</summary>
    public async ValueTask<IndexEntry?> FirstAsync(byte[] from, byte[] to)
    {
        while (from.AsSpan().SequenceCompareTo(to) < 0)
        {
            var part = await RangeOfAsync(from).ConfigureAwait(false);
            var end = Min(to, part.Span.RowsTo);
            if (part.Snapshot.First(from, end) is { } entry) return entry;
            if (part.Span.End is null) return null;
            from = end;
        }
        return null;
    }

    /// <summary>The snapshot of the range holding an object row (every row of one key is in one range).</summary>
    public async ValueTask<IIndexSnapshot> AtAsync(byte[] row) => (await RangeOfAsync(row).ConfigureAwait(false)).Snapshot;

    private async ValueTask<SpannedSnapshot> RangeOfAsync(byte[] row)
    {
        var point = IndexKeys.PointOfObjectRow(row).ToArray();
        foreach (var part in open)
            if (part.Span.Contains(point)) return part;
        var opened = await router.ReadRangeAtAsync(point, cancellationToken).ConfigureAwait(false);
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
