using System.CommandLine;
using Cairn.Node.Metrics;

namespace Cairn.Cli.Server;

/// <summary>`cairn server`'s options for GET /metrics: the bearer token, the loopback exemption (the per-bucket figures' interval is in <see cref="UsageArguments"/>).</summary>
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

    public IEnumerable<Option> Options => [token, loopbackOpen];

    public MetricsOptions Parse(ParseResult parse) => new()
    {
        Token = (parse.GetValue(token) ?? Environment.GetEnvironmentVariable("CAIRN_METRICS_TOKEN")) is { Length: > 0 } t ? t : null,
        LoopbackOpen = parse.GetValue(loopbackOpen),
    };
}
