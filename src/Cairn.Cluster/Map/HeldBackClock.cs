namespace Cairn.Cluster.Map;

/// <summary>
/// The wall clock a node acts on where acting early would be a wrong answer — lifecycle expiring or transitioning a
/// version, a restored copy becoming readable or expiring, bytes accruing on the bill: the node's own clock, but never
/// more than <see cref="Tolerance"/> ahead of the cluster's. The cluster's clock is the lower median of the up nodes'
/// clocks as their latest heartbeats carry them (this node's own for itself), so one node whose clock runs ahead cannot
/// expire the objects of the ranges it leads early; a clock behind is its own (acting late costs only time). The
/// heartbeats lag by about their interval, far inside the tolerance, so nodes in step act on their own clocks.
/// Timestamps and timers are the inner provider's.
/// </summary>
public sealed class HeldBackClock(TimeProvider own, string nodeId, Func<ClusterMap> map) : TimeProvider
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(30);

    public override DateTimeOffset GetUtcNow()
    {
        var now = own.GetUtcNow();
        var clocks = map().Nodes.Where(n => n.State == NodeState.Up && n.Id != nodeId).Select(n => n.LastHeartbeat).Append(now).Order().ToList();
        var bound = clocks[(clocks.Count - 1) / 2] + Tolerance;
        return now < bound ? now : bound;
    }

    public override long GetTimestamp() => own.GetTimestamp();

    public override long TimestampFrequency => own.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => own.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        own.CreateTimer(callback, state, dueTime, period);
}
