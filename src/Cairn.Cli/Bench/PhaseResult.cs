namespace Cairn.Cli.Bench;

/// <summary>What one phase (PUT, GET or DELETE) achieved; for GET, how many distinct keys it read.</summary>
public sealed record PhaseResult(string Name, long Ops, long Bytes, long Errors, TimeSpan Elapsed, LatencySummary Latency, string? FirstError, long? MaxServerRssBytes,
    int? DistinctKeysRead = null)
{
    public double OpsPerSecond => Elapsed > TimeSpan.Zero ? Ops / Elapsed.TotalSeconds : 0;
    public double MiBPerSecond => Elapsed > TimeSpan.Zero ? Bytes / (1024.0 * 1024.0) / Elapsed.TotalSeconds : 0;
}
