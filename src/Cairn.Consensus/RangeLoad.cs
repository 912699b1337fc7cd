using Cairn.Core.Keys;

namespace Cairn.Consensus;

/// <summary>
/// The writes a range applied since it was last looked at: how many commands, and a uniform sample of the keys they
/// wrote (reservoir sampling). A split by request rate decides on the count and cuts at the sample's median key, so
/// each half takes about half of the recent writes rather than half of the stored keys. Every replica applies the
/// same commands, so any member's count is the range's write rate wherever the writes arrived. Kept in memory only:
/// a restart starts counting afresh.
/// </summary>
public sealed class RangeLoad(TimeProvider time)
{
    /// <summary>Enough keys for a median within a few percent of the true one.</summary>
    public const int SampleSize = 128;

    private readonly Lock gate = new();
    private readonly Random random = new();
    private readonly List<ObjectName> sample = new(SampleSize);
    private long commands;
    private long keyed;
    private long since = time.GetTimestamp();

    public RangeLoad() : this(TimeProvider.System)
    {
    }

    /// <summary>A command applied; <paramref name="name"/> is the object it wrote, null for a command on no one key.</summary>
    public void Record(ObjectName? name)
    {
        lock (gate)
        {
            commands++;
            if (name is not { } written) return;
            keyed++;
            if (sample.Count < SampleSize) sample.Add(written);
            else if (random.NextInt64(keyed) is var slot && slot < SampleSize) sample[(int)slot] = written;
        }
    }

    /// <summary>What was applied since the previous call (or since start), and starts counting again.</summary>
    public RangeLoadReading Take()
    {
        lock (gate)
        {
            var now = time.GetTimestamp();
            var reading = new RangeLoadReading(commands, time.GetElapsedTime(since, now), [.. sample]);
            commands = 0;
            keyed = 0;
            sample.Clear();
            since = now;
            return reading;
        }
    }
}

/// <summary>The (bucket, key) an object command writes.</summary>
public readonly record struct ObjectName(string Bucket, string Key);

/// <summary>Commands a range applied over <paramref name="Over"/>, with a sample of the keys they wrote.</summary>
public sealed record RangeLoadReading(long Commands, TimeSpan Over, IReadOnlyList<ObjectName> Sample)
{
    public double CommandsPerSecond => Over > TimeSpan.Zero ? Commands / Over.TotalSeconds : 0;

    /// <summary>
    /// The median of the sampled keys within the span [start, end), or, when that is the span's first key (a split
    /// there would cut nothing off), the next sampled key after it; null when no sampled key lies after the start
    /// (every write went to the first key: one hot key cannot be split).
    /// </summary>
    public ObjectName? SplitPoint(byte[] start, byte[]? end)
    {
        var points = Sample
            .Select(name => (Name: name, Point: RangeKeys.Point(name.Bucket, name.Key)))
            .Where(p => RangeKeys.Compare(start, p.Point) <= 0 && (end is null || RangeKeys.Compare(p.Point, end) < 0))
            .OrderBy(p => p.Point, Comparer<byte[]>.Create((a, b) => RangeKeys.Compare(a, b)))
            .ToList();
        var median = points.Count / 2;
        while (median < points.Count && RangeKeys.Compare(points[median].Point, start) == 0) median++;
        return median < points.Count ? points[median].Name : null;
    }
}
