using Cairn.Index.Records;

namespace Cairn.Index.Shards;

/// <summary>A snapshot of every range, in key order: each range's own rows, and all object rows as one view.</summary>
public sealed class EveryRange(IReadOnlyList<SpannedSnapshot> parts) : IDisposable
{
    public IReadOnlyList<SpannedSnapshot> Parts { get; } = parts;

    /// <summary>The object rows of every range as one snapshot (other rows from the first range).</summary>
    public IIndexSnapshot Objects { get; } = new SpannedSnapshot.Joined(parts);

    /// <summary>A range-local table (blob references, the free queue, the ledger) over every range, range after range.</summary>
    public IEnumerable<(SpannedSnapshot Range, IndexEntry Entry)> ScanEach(byte[] from, byte[] to) =>
        Parts.SelectMany(part => part.Snapshot.Scan(from, to).Select(entry => (part, entry)));

    public void Dispose() => Objects.Dispose();
}

/// <summary>A range's snapshot with the span its store recorded in it.</summary>
public sealed record SpannedSnapshot(ShardSpan Span, IIndexSnapshot Snapshot)
{
    /// <summary>
    /// Consecutive ranges' snapshots read as one: object rows from the range whose span holds them (a scan walks
    /// the ranges in key order, each clamped to its span, so rows a split left behind are never seen twice), every
    /// other row (a bucket's record and configuration) from the first range. Each range's view is its own point in
    /// time: a listing across ranges is ordered and complete, not one atomic cut.
    /// </summary>
    internal sealed class Joined(IReadOnlyList<SpannedSnapshot> parts) : IIndexSnapshot
    {
        public byte[]? Get(byte[] key)
        {
            if (!IndexKeys.IsObjectRow(key)) return parts[0].Snapshot.Get(key);
            foreach (var part in parts)
                if (part.Span.ContainsRow(key)) return part.Snapshot.Get(key);
            return null;
        }

        public IEnumerable<IndexEntry> Scan(byte[] from, byte[] to)
        {
            if (!IndexKeys.IsObjectRow(from)) return parts[0].Snapshot.Scan(from, to);
            return parts.SelectMany(part => Clamp(part, from, to) is var (f, t) ? part.Snapshot.Scan(f, t) : []);
        }

        public IndexEntry? First(byte[] from, byte[] to)
        {
            if (!IndexKeys.IsObjectRow(from)) return parts[0].Snapshot.First(from, to);
            foreach (var part in parts)
                if (Clamp(part, from, to) is var (f, t) && part.Snapshot.First(f, t) is { } entry) return entry;
            return null;
        }

        /// <summary>[from, to) cut to the part's rows; null when nothing of it is left.</summary>
        private static (byte[] From, byte[] To)? Clamp(SpannedSnapshot part, byte[] from, byte[] to)
        {
            var f = Max(from, part.Span.RowsFrom);
            var t = Min(to, part.Span.RowsTo);
            return f.AsSpan().SequenceCompareTo(t) < 0 ? (f, t) : null;
        }

        private static byte[] Max(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b) >= 0 ? a : b;

        private static byte[] Min(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b) <= 0 ? a : b;

        public void Dispose()
        {
            foreach (var part in parts) part.Snapshot.Dispose();
        }
    }
}
