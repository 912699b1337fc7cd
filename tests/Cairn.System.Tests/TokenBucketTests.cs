using Cairn.Workers;
using Microsoft.Extensions.Time.Testing;

namespace Cairn.System.Tests;

/// <summary>The mover's throttle: a second's worth of burst, then the rate.</summary>
public sealed class TokenBucketTests
{
    private readonly FakeTimeProvider time = new();

    [Fact]
    public void Bytes_beyond_a_second_of_burst_wait_until_the_rate_has_paid_for_them()
    {
        var bucket = new TokenBucket(1000, time);
        Assert.Equal(TimeSpan.Zero, bucket.Reserve(1000));
        Assert.Equal(TimeSpan.FromSeconds(0.5), bucket.Reserve(500));
        time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(TimeSpan.FromSeconds(2), bucket.Reserve(2000));
        // Idle time refills at most one second's worth: a long pause buys no larger burst.
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(TimeSpan.Zero, bucket.Reserve(1000));
        Assert.Equal(TimeSpan.FromSeconds(0.001), bucket.Reserve(1));
    }

    [Fact]
    public void Over_a_long_run_the_bytes_taken_match_the_rate()
    {
        var bucket = new TokenBucket(64 << 20, time);
        var elapsed = TimeSpan.Zero;
        for (var i = 0; i < 1000; i++)
        {
            var wait = bucket.Reserve(3 << 20);
            time.Advance(wait);
            elapsed += wait;
        }
        // 3000 MiB at 64 MiB/s, less the first second's burst.
        Assert.InRange(elapsed.TotalSeconds, 3000.0 / 64 - 1.05, 3000.0 / 64 - 0.95);
    }

    [Fact]
    public void A_zero_rate_never_waits()
    {
        Assert.Equal(TimeSpan.Zero, new TokenBucket(0, time).Reserve(long.MaxValue / 2));
    }
}
