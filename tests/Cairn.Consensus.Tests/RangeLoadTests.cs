using Cairn.Consensus;
using Cairn.Core.Keys;
using Microsoft.Extensions.Time.Testing;

namespace Cairn.Consensus.Tests;

public sealed class RangeLoadTests
{
    [Fact]
    public void A_reading_counts_the_commands_since_the_last_and_starts_again()
    {
        var time = new FakeTimeProvider();
        var load = new RangeLoad(time);
        for (var i = 0; i < 300; i++) load.Record(i % 3 == 0 ? null : new ObjectName("b", $"k{i:D3}"));
        time.Advance(TimeSpan.FromSeconds(2));

        var reading = load.Take();
        Assert.Equal(300, reading.Commands);
        Assert.Equal(150, reading.CommandsPerSecond, precision: 6);
        Assert.Equal(RangeLoad.SampleSize, reading.Sample.Count);
        Assert.All(reading.Sample, name => Assert.Equal("b", name.Bucket));

        time.Advance(TimeSpan.FromSeconds(1));
        var next = load.Take();
        Assert.Equal(0, next.Commands);
        Assert.Empty(next.Sample);
    }

    [Fact]
    public void The_split_point_is_the_median_of_the_keys_written_not_of_the_keys_stored()
    {
        var load = new RangeLoad();
        // Uniform writes over k0000..k9999, sampled: the median lands near k5000 (standard error ≈ 450 keys).
        var random = new Random(7);
        for (var i = 0; i < 100_000; i++) load.Record(new ObjectName("b", $"k{random.Next(10_000):D4}"));
        var point = load.Take().SplitPoint([], null);
        Assert.NotNull(point);
        var n = int.Parse(point.Value.Key[1..]);
        Assert.InRange(n, 3_000, 7_000);
    }

    [Fact]
    public void The_split_point_lies_inside_the_span_and_past_its_start()
    {
        var load = new RangeLoad();
        foreach (var key in new[] { "a", "m", "m", "m", "m", "m", "z" }) load.Record(new ObjectName("b", key));
        var reading = load.Take();
        var start = RangeKeys.Point("b", "m");

        // Most writes went to the range's first key: a split there cuts nothing off, so the next key written after it.
        Assert.Equal(new ObjectName("b", "z"), reading.SplitPoint(start, null));
        // Only the first key written inside the span: nothing to split.
        Assert.Null(reading.SplitPoint(start, RangeKeys.Point("b", "n")));
        Assert.Equal(new ObjectName("b", "m"), reading.SplitPoint([], null));
    }
}
