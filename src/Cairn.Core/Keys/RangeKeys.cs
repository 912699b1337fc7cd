using System.Text;

namespace Cairn.Core.Keys;

/// <summary>
/// The range key space: an object (bucket, key) is the point <c>UTF-8(bucket) NUL UTF-8(key)</c>, compared
/// as unsigned bytes. Neither a bucket name nor a key contains NUL, so the points of a bucket are contiguous
/// and sort by key in UTF-8 binary order (which is S3's listing order, and differs from UTF-16 ordinal order
/// above U+D7FF). A range [start, end) owns every point p with start &lt;= p &lt; end; the empty start is the
/// lowest point and a null end is +∞.
/// </summary>
public static class RangeKeys
{
    public static byte[] Point(string bucket, string key)
    {
        var b = Encoding.UTF8.GetByteCount(bucket);
        var point = new byte[b + 1 + Encoding.UTF8.GetByteCount(key)];
        Encoding.UTF8.GetBytes(bucket, point);
        Encoding.UTF8.GetBytes(key, point.AsSpan(b + 1));
        return point;
    }

    /// <summary>The lowest point of a bucket: its empty key.</summary>
    public static byte[] BucketStart(string bucket) => Point(bucket, "");

    /// <summary>The first point past every key of a bucket: bucket followed by 0x01.</summary>
    public static byte[] BucketEnd(string bucket)
    {
        var end = BucketStart(bucket);
        end[^1] = 1;
        return end;
    }

    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.SequenceCompareTo(b);

    /// <summary>Compares two range ends, null being +∞.</summary>
    public static int CompareEnd(byte[]? a, byte[]? b) =>
        a is null ? (b is null ? 0 : 1) : b is null ? -1 : Compare(a, b);

    /// <summary>A point for error messages: printable ASCII as is, NUL as '|', any other byte as \xNN.</summary>
    public static string Show(byte[]? point)
    {
        if (point is null) return "+inf";
        var s = new StringBuilder();
        foreach (var b in point)
            s.Append(b == 0 ? "|" : b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}");
        return s.ToString();
    }
}
