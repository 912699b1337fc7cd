namespace Cairn.Node.Metrics;

/// <summary>Who may read <c>GET /metrics</c> (the per-bucket figures come from the usage sampler, <see cref="Workers.Usage.UsageOptions"/>).</summary>
public sealed record MetricsOptions
{
    /// <summary>The bearer token a scrape from another machine must send; null refuses every scrape but loopback ones.</summary>
    public string? Token { get; init; }

    /// <summary>Whether a scrape from 127.0.0.1 or ::1 needs no token (turned off to test the token, or on shared machines).</summary>
    public bool LoopbackOpen { get; init; } = true;
}
