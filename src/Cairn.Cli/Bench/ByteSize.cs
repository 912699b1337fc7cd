using System.Globalization;

namespace Cairn.Cli.Bench;

/// <summary>Parses sizes such as <c>512B</c>, <c>4KiB</c>, <c>64MiB</c>, <c>1GiB</c> (binary) and <c>1KB</c>, <c>1MB</c> (decimal).</summary>
public static class ByteSize
{
    private static readonly (string Suffix, long Multiplier)[] Units =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),
        ("KB", 1_000L), ("MB", 1_000_000L), ("GB", 1_000_000_000L), ("TB", 1_000_000_000_000L),
        ("B", 1L),
    ];

    public static bool TryParse(string? text, out long bytes, out string error)
    {
        bytes = 0;
        error = $"'{text}' is not a size: use a number with a unit such as 512B, 4KiB, 64MiB, 1GiB or 1MB";
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        long multiplier = 1;
        var number = s;
        // Longest suffixes first, so "4KiB" is binary and "4KB" decimal; case is ignored.
        foreach (var (suffix, m) in Units)
            if (s.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                multiplier = m;
                number = s[..^suffix.Length].TrimEnd();
                break;
            }
        if (number.Length == 0 || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return false;
        var exact = value * multiplier;
        if (exact > long.MaxValue || exact != decimal.Truncate(exact))
        {
            error = $"'{text}' is not a whole number of bytes";
            return false;
        }
        bytes = (long)exact;
        return true;
    }

    public static long Parse(string text) => TryParse(text, out var bytes, out var error) ? bytes : throw new FormatException(error);

    public static string Format(long n)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double v = n;
        var u = 0;
        while (v >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return u == 0 ? $"{n}B" : v.ToString("0.##", CultureInfo.InvariantCulture) + units[u];
    }
}
