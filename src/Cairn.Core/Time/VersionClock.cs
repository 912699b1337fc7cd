namespace Cairn.Core.Time;

/// <summary>
/// Hands out strictly increasing 64-bit sequence numbers derived from wall time (microseconds),
/// so that versions sort by commit order even when two commits share a microsecond.
/// </summary>
public sealed class VersionClock(TimeProvider time)
{
    private long last;

    public long Next()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        while (true)
        {
            var prev = Volatile.Read(ref last);
            var next = Math.Max(prev + 1, now);
            if (Interlocked.CompareExchange(ref last, next, prev) == prev) return next;
        }
    }

    /// <summary>Never hand out a sequence at or below one already committed (after a restart).</summary>
    public void Observe(long committed)
    {
        while (true)
        {
            var prev = Volatile.Read(ref last);
            if (committed <= prev || Interlocked.CompareExchange(ref last, committed, prev) == prev) return;
        }
    }
}
