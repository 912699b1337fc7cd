using Cairn.FrontDoor.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Cairn.Node.Logging;

/// <summary>How the node's logs look: <c>text</c>, one readable line each, or <c>json</c>, one JSON object per line.</summary>
public enum LogFormat
{
    Text,
    Json,
}

/// <summary>The node's console logging, the same for the host and for what runs before it (Raft, the certificate files).</summary>
public static partial class NodeLogging
{
    /// <summary>A line the server says to its operator (that it serves, with what), as a log entry.</summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    public static partial void Say(ILogger log, string line);

    public static ILoggingBuilder AddNodeConsole(this ILoggingBuilder logging, LogFormat format)
    {
        logging.ClearProviders();
        if (format == LogFormat.Json)
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        else
            logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        // A terminal that cannot keep up loses lines (the console logger says how many) rather than slowing requests.
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.QueueFullMode = ConsoleLoggerQueueFullMode.DropWrite);
        return logging.SetMinimumLevel(LevelFromEnvironment());
    }

    /// <summary>The request log: one line per request at Information in JSON (for log pipelines), at Debug in text (a terminal would flood).</summary>
    public static RequestLogOptions RequestLog(LogFormat format) => new(format == LogFormat.Json ? LogLevel.Information : LogLevel.Debug);

    public static LogLevel LevelFromEnvironment() =>
        Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("CAIRN_LOG_LEVEL"), true, out var level) ? level : LogLevel.Information;
}
