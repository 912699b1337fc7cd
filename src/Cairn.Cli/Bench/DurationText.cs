using System.Globalization;

namespace Cairn.Cli.Bench;

/// <summary>Parses durations such as <c>500ms</c>, <c>20s</c>, <c>1m</c>, <c>1h</c>, or combinations like <c>1m30s</c>.</summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan duration, out string error)
    {
        duration = TimeSpan.Zero;
        error = $"'{text}' is not a duration: use a number with a unit such as 500ms, 20s, 1m or 1h";
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim().ToLowerInvariant();
        var i = 0;
        var total = 0.0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (i == start || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return false;
            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i])) i++;
            double? ms = s[unitStart..i] switch
            {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => null,
            };
            if (ms is null) return false;
            total += value * ms.Value;
        }
        if (total <= 0 || total > TimeSpan.MaxValue.TotalMilliseconds)
        {
            error = $"'{text}' must be a positive duration";
            return false;
        }
        duration = TimeSpan.FromMilliseconds(total);
        return true;
    }

    /// <summary>
    /// A signed duration, as a clock offset is written: <c>5m</c>, <c>+90s</c>, <c>-1h30m</c>, or <c>0</c>.
    /// </summary>
    public static bool TryParseOffset(string? text, out TimeSpan offset, out string error)
    {
        offset = TimeSpan.Zero;
        error = $"'{text}' is not a clock offset: use a duration such as 5m, -90s or 0";
        var s = text?.Trim() ?? "";
        if (s == "0") return true;
        var negative = s.StartsWith('-');
        if (negative || s.StartsWith('+')) s = s[1..];
        if (!TryParse(s, out var magnitude, out _)) return false;
        offset = negative ? -magnitude : magnitude;
        return true;
    }

    public static TimeSpan Parse(string text) => TryParse(text, out var d, out var error) ? d : throw new FormatException(error);
}
