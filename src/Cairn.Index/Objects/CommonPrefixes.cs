namespace Cairn.Index.Objects;

/// <summary>
/// The delimiter roll-up every S3 listing shares: keys under prefix+…+delimiter collapse into one
/// common prefix, and the scan seeks past all of them at once.
/// </summary>
internal static class CommonPrefixes
{
    /// <summary>
    /// When <paramref name="key"/> has the delimiter after the prefix: the common prefix, and the
    /// smallest key bytes beyond everything that rolls up into it.
    /// </summary>
    public static bool TryRollUp(byte[] key, byte[] prefix, byte[]? delimiter, out byte[] common, out byte[] past)
    {
        common = past = [];
        if (delimiter is null) return false;
        var at = key.AsSpan(prefix.Length).IndexOf(delimiter);
        if (at < 0) return false;
        common = key[..(prefix.Length + at + delimiter.Length)];
        past = (byte[])common.Clone();
        past[^1]++; // UTF-8 never has 0xFF bytes, so this cannot overflow
        return true;
    }

    /// <summary>A common prefix at or before the marker was returned on an earlier page.</summary>
    public static bool ListedBefore(byte[] common, byte[]? marker) => marker is not null && common.AsSpan().SequenceCompareTo(marker) <= 0;
}
