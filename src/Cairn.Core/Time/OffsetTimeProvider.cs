namespace Cairn.Core.Time;

/// <summary>The machine's clock shifted by a fixed offset: a node whose clock is wrong, for clock-fault tests.</summary>
public sealed class OffsetTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
