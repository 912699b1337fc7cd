using Cairn.Core.Keys;
using Cairn.Index.Records;

namespace Cairn.Index.Shards;

/// <summary>
/// The key points a shard owns, [<paramref name="Start"/>, <paramref name="End"/>) over <see cref="RangeKeys"/> points
/// (null end = +∞). A range's store records its span (<see cref="IndexKeys.SpanKey"/>) in the same write that
/// splits it, so a reader checks the span of the very snapshot it reads and never trusts a map that may be stale.
/// A store without the row (a single node's one shard) owns every point.
/// </summary>
public sealed record ShardSpan(byte[] Start, byte[]? End)
{
    public static ShardSpan Whole { get; } = new([], null);

    public bool Contains(ReadOnlySpan<byte> point) =>
        RangeKeys.Compare(Start, point) <= 0 && (End is null || RangeKeys.Compare(point, End) < 0);

    /// <summary>The first object row of the span.</summary>
    public byte[] RowsFrom => IndexKeys.ObjectRowsFrom(Start);

    /// <summary>The first object row past the span.</summary>
    public byte[] RowsTo => End is null ? IndexKeys.ObjectRowsEnd() : IndexKeys.ObjectRowsFrom(End);

    /// <summary>Whether an object row belongs to the span.</summary>
    public bool ContainsRow(ReadOnlySpan<byte> row) => Contains(IndexKeys.PointOfObjectRow(row));

    public static ShardSpan Read(Func<byte[], byte[]?> get) => get(IndexKeys.SpanKey()) is { } stored ? Decode(stored) : Whole;

    public static ShardSpan Read(IIndexSnapshot snapshot) => Read(snapshot.Get);

    /// <summary>4-byte start length, start, then the end (absent for +∞).</summary>
    public byte[] Encode()
    {
        var bytes = new byte[4 + Start.Length + (End?.Length ?? 0) + 1];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, Start.Length);
        Start.CopyTo(bytes, 4);
        bytes[4 + Start.Length] = End is null ? (byte)0 : (byte)1;
        End?.CopyTo(bytes, 5 + Start.Length);
        return bytes;
    }

    public static ShardSpan Decode(ReadOnlySpan<byte> bytes)
    {
        var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes);
        var start = bytes.Slice(4, length).ToArray();
        var end = bytes[4 + length] == 0 ? null : bytes[(5 + length)..].ToArray();
        return new ShardSpan(start, end);
    }

    public override string ToString() => $"[{RangeKeys.Show(Start)}, {RangeKeys.Show(End)})";
}
