using Cairn.Core.Keys;
using Cairn.Index.Records;

namespace Cairn.Index.Shards;

/// <summary>
/// The rows of a <see cref="ReadScope"/>, read from a snapshot at one point in time and held in memory: what a member
/// sends a node without a replica of the range. Reading outside the rows fetched throws: a read that did not
/// declare what it reads must fail, never see an absent row where the store has one.
/// </summary>
public sealed class FetchedSnapshot : IIndexSnapshot
{
    private readonly IndexEntry[] rows;
    private readonly IReadOnlyList<RowSpan> covered;

    public FetchedSnapshot(IReadOnlyList<IndexEntry> rows, IReadOnlyList<RowSpan> covered)
    {
        this.rows = rows.OrderBy(r => r.Key, KeyOrder).ToArray();
        this.covered = covered;
    }

    /// <summary>The spans read whole: a window's span ends where the window stopped.</summary>
    public IReadOnlyList<RowSpan> Covered => covered;

    /// <summary>Where a window stopped (every row below it in its span was read), or null when every span was read whole.</summary>
    public byte[]? WindowEnd { get; private init; }

    public IReadOnlyList<IndexEntry> Rows => rows;

    /// <summary>How far a read of a window may scan towards <paramref name="to"/>: where the window stopped, if it is one that did.</summary>
    public static byte[] ReadableTo(IIndexSnapshot snapshot, byte[] to) =>
        snapshot is FetchedSnapshot { WindowEnd: { } end } && RangeKeys.Compare(end, to) < 0 ? end : to;

    /// <summary>Whether the key lies in what was fetched.</summary>
    public bool Holds(ReadOnlySpan<byte> key)
    {
        foreach (var span in covered)
            if (span.Contains(key)) return true;
        return false;
    }

    /// <summary>Reads the scope's rows from <paramref name="source"/> (the member's side).</summary>
    public static FetchedSnapshot Read(IIndexSnapshot source, ReadScope scope)
    {
        var rows = new List<IndexEntry>();
        var covered = new List<RowSpan> { RowSpan.Only(IndexKeys.SpanKey()) };
        if (source.Get(IndexKeys.SpanKey()) is { } span) rows.Add(new IndexEntry(IndexKeys.SpanKey(), span));
        byte[]? windowEnd = null;
        foreach (var part in scope.Spans)
        {
            if (scope.Limit <= 0)
            {
                rows.AddRange(source.Scan(part.From, part.To));
                covered.Add(part);
                continue;
            }
            var (read, end) = ReadWindow(source, part, scope.Limit);
            rows.AddRange(read);
            covered.Add(new RowSpan(part.From, end));
            windowEnd = RangeKeys.Compare(end, part.To) < 0 ? end : null;
        }
        return new FetchedSnapshot(rows, covered) { WindowEnd = windowEnd };
    }

    /// <summary>Rows sent over the wire and the spans they cover, put back together (the reader's side).</summary>
    public static FetchedSnapshot Received(IReadOnlyList<IndexEntry> rows, IReadOnlyList<RowSpan> covered, byte[]? windowEnd) =>
        new(rows, covered) { WindowEnd = windowEnd };

    /// <summary>Up to <paramref name="limit"/> rows, then the rest of the last object key's rows; and where that stopped.</summary>
    private static (List<IndexEntry> Rows, byte[] End) ReadWindow(IIndexSnapshot source, RowSpan span, int limit)
    {
        var rows = new List<IndexEntry>();
        byte[]? keyEnd = null;
        foreach (var entry in source.Scan(span.From, span.To))
        {
            if (rows.Count >= limit && (keyEnd is null || RangeKeys.Compare(entry.Key, keyEnd) >= 0))
                return (rows, keyEnd ?? [.. rows[^1].Key, 0]);
            rows.Add(entry);
            keyEnd = IndexKeys.IsObjectRow(entry.Key) ? [.. IndexKeys.ObjectRowsFrom(IndexKeys.PointOfObjectRow(entry.Key)), 1] : null;
        }
        return (rows, span.To);
    }

    public byte[]? Get(byte[] key)
    {
        Require(key, [.. key, 0]);
        var at = Array.BinarySearch(rows, new IndexEntry(key, []), EntryOrder);
        return at >= 0 ? rows[at].Value : null;
    }

    public IEnumerable<IndexEntry> Scan(byte[] from, byte[] to)
    {
        Require(from, to);
        return ScanFrom(from, to);
    }

    public IndexEntry? First(byte[] from, byte[] to)
    {
        Require(from, to);
        foreach (var entry in ScanFrom(from, to)) return entry;
        return null;
    }

    private IEnumerable<IndexEntry> ScanFrom(byte[] from, byte[] to)
    {
        var at = Array.BinarySearch(rows, new IndexEntry(from, []), EntryOrder);
        for (var i = at >= 0 ? at : ~at; i < rows.Length && RangeKeys.Compare(rows[i].Key, to) < 0; i++) yield return rows[i];
    }

    private void Require(byte[] from, byte[] to)
    {
        if (RangeKeys.Compare(from, to) >= 0) return;
        foreach (var span in covered)
            if (span.Covers(from, to)) return;
        throw new InvalidOperationException(
            $"A read of [{RangeKeys.Show(from)}, {RangeKeys.Show(to)}) outside the rows fetched from the range's member: the read's scope is missing it.");
    }

    private static readonly Comparer<byte[]> KeyOrder = Comparer<byte[]>.Create((a, b) => RangeKeys.Compare(a, b));

    private static readonly Comparer<IndexEntry> EntryOrder = Comparer<IndexEntry>.Create((a, b) => RangeKeys.Compare(a.Key, b.Key));

    public void Dispose()
    {
    }
}
