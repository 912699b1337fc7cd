namespace Cairn.Node.Metrics;

/// <summary>Who may read <c>GET /metrics</c>, and how often the per-bucket figures are sampled.</summary>
public sealed record MetricsOptions
{
    /// <summary>The bearer token a scrape from another machine must send; null refuses every scrape but loopback ones.</summary>
    public string? Token { get; init; }

    /// <summary>Whether a scrape from 127.0.0.1 or ::1 needs no token (turned off to test the token, or on shared machines).</summary>
    public bool LoopbackOpen { get; init; } = true;

    /// <summary>How often objects and bytes per bucket and storage class are counted again (a walk of the index, never per scrape).</summary>
    public TimeSpan UsageInterval { get; init; } = TimeSpan.FromMinutes(5);
}
