using System.CommandLine;
using Cairn.Workers.Usage;

namespace Cairn.Cli.Server;

/// <summary>`cairn server`'s options for the usage sampler: how often it measures, how long its history keeps every sample.</summary>
public sealed class UsageArguments
{
    // --metrics-usage-interval is the name it had while only /metrics used the figures.
    private readonly Option<TimeSpan> interval = new("--usage-interval", "--metrics-usage-interval")
    {
        Description = "How often objects, bytes and byte-days per bucket and storage class are measured (a walk of the index) for the usage history, /metrics and the console: 30s, 5m",
        DefaultValueFactory = _ => new UsageOptions().Interval,
        CustomParser = r => OptionParsing.Parse<TimeSpan>(r, Bench.DurationText.TryParse),
    };

    private readonly Option<TimeSpan> detailed = new("--usage-history-detail")
    {
        Description = "The usage history keeps every sample this long (older ones: the last of each UTC day, for 400 days): 168h, 48h",
        DefaultValueFactory = _ => new UsageOptions().DetailedFor,
        CustomParser = r => OptionParsing.Parse<TimeSpan>(r, Bench.DurationText.TryParse),
    };

    public IEnumerable<Option> Options => [interval, detailed];

    public UsageOptions Parse(ParseResult parse) => new()
    {
        Interval = parse.GetValue(interval) > TimeSpan.Zero ? parse.GetValue(interval) : throw new ArgumentException("--usage-interval must be positive."),
        DetailedFor = parse.GetValue(detailed) > TimeSpan.Zero ? parse.GetValue(detailed) : throw new ArgumentException("--usage-history-detail must be positive."),
    };
}
