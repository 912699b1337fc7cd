using System.Diagnostics;

namespace Cairn.Cli.Bench;

/// <summary>p50 / p99 / max of successful operations, in milliseconds.</summary>
public sealed record LatencySummary(double P50, double P99, double Max)
{
    public static readonly LatencySummary Empty = new(0, 0, 0);

    /// <param name="samples">Per-worker lists of operation durations in <see cref="Stopwatch"/> ticks.</param>
    public static LatencySummary From(IEnumerable<List<long>> samples)
    {
        var all = samples.SelectMany(s => s).ToArray();
        if (all.Length == 0) return Empty;
        Array.Sort(all);
        return new(Ms(Percentile(all, 0.50)), Ms(Percentile(all, 0.99)), Ms(all[^1]));
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    internal static long Percentile(long[] sorted, double p)
    {
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
