namespace Cairn.Core.Time;

/// <summary>
/// The machine's wall clock shifted by a fixed offset: a node whose clock is wrong, for clock-fault tests. Only the
/// wall clock moves; timestamps and timers (elapsed time) are the machine's, as they would be on a node whose clock is off.
/// </summary>
public sealed class OffsetTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
