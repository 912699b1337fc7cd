using System.Globalization;
using Cairn.Core.Errors;

namespace Cairn.FrontDoor.Objects;

/// <summary>A satisfiable byte range of an object, from a Range header.</summary>
public readonly record struct ByteRange(long First, long Last)
{
    public long Length => Last - First + 1;

    /// <summary>
    /// Parses "bytes=a-b", "bytes=a-" and "bytes=-n". A header that is not a single valid range is
    /// ignored (the whole object is served) as HTTP prescribes; a valid but unsatisfiable one is
    /// InvalidRange (416).
    /// </summary>
    public static ByteRange? Parse(string? header, long size)
    {
        if (string.IsNullOrEmpty(header) || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return null;
        var spec = header[6..].Trim();
        if (spec.Contains(',')) return null;
        var dash = spec.IndexOf('-');
        if (dash < 0) return null;
        var firstText = spec[..dash].Trim();
        var lastText = spec[(dash + 1)..].Trim();
        if (firstText.Length == 0)
        {
            if (!long.TryParse(lastText, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix)) return null;
            if (suffix == 0 || size == 0) throw Unsatisfiable(size);
            return new ByteRange(Math.Max(0, size - suffix), size - 1);
        }
        if (!long.TryParse(firstText, NumberStyles.None, CultureInfo.InvariantCulture, out var first)) return null;
        var last = size - 1;
        if (lastText.Length > 0)
        {
            if (!long.TryParse(lastText, NumberStyles.None, CultureInfo.InvariantCulture, out last)) return null;
            if (last < first) return null;
        }
        if (first >= size) throw Unsatisfiable(size);
        return new ByteRange(first, Math.Min(last, size - 1));
    }

    private static S3Exception Unsatisfiable(long size) => new(S3ErrorCode.InvalidRange)
    {
        Details = new Dictionary<string, string> { ["RangeRequested"] = "", ["ActualObjectSize"] = size.ToString(CultureInfo.InvariantCulture) },
    };
}
