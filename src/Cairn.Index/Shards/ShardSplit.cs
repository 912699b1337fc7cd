using Cairn.Index.Apply;
using Cairn.Index.Records;

namespace Cairn.Index.Shards;

/// <summary>
/// What one half of a split keeps of its range's state: its object rows; the blob references of its own keys;
/// the bucket records and settings (harmless where the bucket has no keys: a bucket is looked up in the range holding its first
/// point); the sequence counter and the request-id outcomes (a retry of a request the whole range applied may
/// arrive at either half). The left half alone keeps the free queue and the billing ledger, so nothing is freed or
/// billed twice. A blob owned from both sides of the split point (a copy sharing a multipart source's parts) gets
/// a pin in both halves: neither half alone can know when the other lets go, so neither ever frees it (space
/// kept, never bytes lost; releasing such pins across ranges is still to do).
/// </summary>
public static class ShardSplit
{
    public const string PinOwner = "pin";

    /// <summary>Trims <paramref name="state"/>, a copy of the whole range <paramref name="whole"/>, down to <paramref name="keep"/>.</summary>
    public static void Trim(IShardState state, ShardSpan whole, ShardSpan keep, bool keepsQueues)
    {
        foreach (var row in state.Scan(whole.RowsFrom, whole.RowsTo).ToList())
            if (!keep.ContainsRow(row.Key)) state.Delete(row.Key);

        foreach (var blob in state.Scan(IndexKeys.ReferencesStart(), IndexKeys.ReferencesEnd()).ToList().GroupBy(BlobOf))
        {
            var rows = blob.Select(r => (Row: r, Reference: IndexJson.DecodeReference(r.Value))).ToList();
            var inside = rows.Where(r => keep.Contains(Core.Keys.RangeKeys.Point(r.Reference.Bucket, r.Reference.Key))).ToList();
            foreach (var (row, _) in rows.Except(inside)) state.Delete(row.Key);
            if (inside.Count == 0 || inside.Count == rows.Count) continue;
            var (kept, reference) = inside[0];
            state.Put(IndexKeys.ReferenceKey(blob.Key, reference.Bucket, reference.Key, PinOwner), kept.Value);
        }

        // A blob on the repair list stays listed in the half that still references it.
        foreach (var row in state.Scan(IndexKeys.DegradedStart(), IndexKeys.DegradedEnd()).ToList())
        {
            var (from, to) = IndexKeys.ReferencesOf(IndexKeys.BlobOfDegradedKey(row.Key));
            if (!state.Scan(from, to).Any()) state.Delete(row.Key);
        }

        if (!keepsQueues)
        {
            foreach (var row in state.Scan(IndexKeys.FreeStart(), IndexKeys.FreeEnd()).ToList()) state.Delete(row.Key);
            foreach (var row in state.Scan(IndexKeys.LedgerStart(), IndexKeys.LedgerEnd()).ToList()) state.Delete(row.Key);
        }
        state.Put(IndexKeys.SpanKey(), keep.Encode());
    }

    /// <summary>
    /// Where to split a range so each half gets about as many objects: the key in the middle of the keys holding
    /// a current pointer, and how many keys hold one (null when there are fewer than two, or the middle is the span's start).
    /// </summary>
    public static (long Objects, string Bucket, string Key)? MiddleKey(IIndexSnapshot snapshot, ShardSpan span)
    {
        var pointers = new List<byte[]>();
        foreach (var row in snapshot.Scan(span.RowsFrom, span.RowsTo))
        {
            var point = IndexKeys.PointOfObjectRow(row.Key);
            if (row.Key.Length == point.Length + 3 && row.Key[^1] == (byte)ObjectRowTag.Current) pointers.Add(point.ToArray());
        }
        if (pointers.Count < 2) return null;
        var middle = pointers[pointers.Count / 2];
        if (Core.Keys.RangeKeys.Compare(middle, span.Start) <= 0) return null;
        var nul = Array.IndexOf(middle, (byte)0);
        return (pointers.Count, System.Text.Encoding.UTF8.GetString(middle, 0, nul), System.Text.Encoding.UTF8.GetString(middle, nul + 1, middle.Length - nul - 1));
    }

    /// <summary>The blob id of a reference row: between the table byte and the first NUL.</summary>
    private static string BlobOf(IndexEntry row)
    {
        var body = row.Key.AsSpan(1);
        return System.Text.Encoding.UTF8.GetString(body[..body.IndexOf((byte)0)]);
    }
}
