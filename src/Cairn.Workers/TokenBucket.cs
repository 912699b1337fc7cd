namespace Cairn.Workers;

/// <summary>
/// A byte-rate throttle: tokens accrue at the rate up to one second's worth, and taking more than there are leaves a
/// debt the caller waits out. Shared by every pass of one worker, so passes back to back never exceed the rate.
/// </summary>
public sealed class TokenBucket
{
    private readonly long bytesPerSecond;
    private readonly TimeProvider time;
    private readonly object gate = new();
    private double tokens;
    private long refilledAt;

    /// <param name="bytesPerSecond">The rate; zero or less never waits.</param>
    public TokenBucket(long bytesPerSecond, TimeProvider time)
    {
        this.bytesPerSecond = bytesPerSecond;
        this.time = time;
        tokens = bytesPerSecond;
        refilledAt = time.GetTimestamp();
    }

    public long BytesPerSecond => bytesPerSecond;

    /// <summary>Takes <paramref name="bytes"/> now and says how long to wait before using them, so the rate holds.</summary>
    public TimeSpan Reserve(long bytes)
    {
        if (bytesPerSecond <= 0) return TimeSpan.Zero;
        lock (gate)
        {
            var now = time.GetTimestamp();
            tokens = Math.Min(bytesPerSecond, tokens + time.GetElapsedTime(refilledAt, now).TotalSeconds * bytesPerSecond);
            refilledAt = now;
            tokens -= bytes;
            return tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-tokens / bytesPerSecond);
        }
    }

    public async Task TakeAsync(long bytes, CancellationToken cancellationToken)
    {
        var wait = Reserve(bytes);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
    }
}
