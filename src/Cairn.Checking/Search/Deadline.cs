using System.Diagnostics;

namespace Cairn.Checking.Search;

/// <summary>A point in time on the monotonic clock after which work should stop.</summary>
public readonly record struct Deadline(long Ticks)
{
    public static Deadline None => new(long.MaxValue);

    public static Deadline After(TimeSpan budget) =>
        new(budget == Timeout.InfiniteTimeSpan || budget.Ticks >= long.MaxValue / 4 ? long.MaxValue : Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency));

    public bool Passed => Stopwatch.GetTimestamp() >= Ticks;

    /// <summary>The earlier of two deadlines.</summary>
    public Deadline Min(Deadline other) => Ticks <= other.Ticks ? this : other;
}
