using System.CommandLine;
using Cairn.Node.Metrics;

namespace Cairn.Cli.Server;

/// <summary>`cairn server`'s options for GET /metrics: the bearer token, the loopback exemption, the per-bucket count's interval.</summary>
public sealed class MetricsArguments
{
    private readonly Option<string?> token = new("--metrics-token")
    {
        Description = "Bearer token a scrape of GET /metrics from another machine must send (default: CAIRN_METRICS_TOKEN; without one, only loopback scrapes are served)",
    };

    private readonly Option<bool> loopbackOpen = new("--metrics-loopback-open")
    {
        Description = "Whether scrapes from 127.0.0.1 and ::1 need no token (true or false)",
        DefaultValueFactory = _ => true,
    };

    private readonly Option<TimeSpan> usageInterval = new("--metrics-usage-interval")
    {
        Description = "How often objects and bytes per bucket and storage class are counted for /metrics (a walk of the index): 30s, 5m",
        DefaultValueFactory = _ => new MetricsOptions().UsageInterval,
        CustomParser = r => OptionParsing.Parse<TimeSpan>(r, Bench.DurationText.TryParse),
    };

    public IEnumerable<Option> Options => [token, loopbackOpen, usageInterval];

    public MetricsOptions Parse(ParseResult parse) => new()
    {
        Token = (parse.GetValue(token) ?? Environment.GetEnvironmentVariable("CAIRN_METRICS_TOKEN")) is { Length: > 0 } t ? t : null,
        LoopbackOpen = parse.GetValue(loopbackOpen),
        UsageInterval = parse.GetValue(usageInterval) > TimeSpan.Zero ? parse.GetValue(usageInterval) : throw new ArgumentException("--metrics-usage-interval must be positive."),
    };
}
