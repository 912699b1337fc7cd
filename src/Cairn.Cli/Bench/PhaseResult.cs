namespace Cairn.Cli.Bench;

/// <summary>What one phase (PUT, GET or DELETE) achieved.</summary>
public sealed record PhaseResult(string Name, long Ops, long Bytes, long Errors, TimeSpan Elapsed, LatencySummary Latency, string? FirstError, long? MaxServerRssBytes)
{
    public double OpsPerSecond => Elapsed > TimeSpan.Zero ? Ops / Elapsed.TotalSeconds : 0;
    public double MiBPerSecond => Elapsed > TimeSpan.Zero ? Bytes / (1024.0 * 1024.0) / Elapsed.TotalSeconds : 0;
}
