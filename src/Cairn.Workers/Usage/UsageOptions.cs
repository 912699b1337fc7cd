namespace Cairn.Workers.Usage;

/// <summary>How often usage is measured, and how long the history keeps samples.</summary>
public sealed record UsageOptions
{
    /// <summary>How often objects, bytes and byte-days per bucket and storage class are measured (a walk of the index).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Every sample of this recent past is kept; older ones are thinned to the last of each UTC day.</summary>
    public TimeSpan DetailedFor { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The daily samples are kept this long, then dropped.</summary>
    public TimeSpan DailyFor { get; init; } = TimeSpan.FromDays(400);
}
