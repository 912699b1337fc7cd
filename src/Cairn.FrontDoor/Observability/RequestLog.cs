using Microsoft.Extensions.Logging;

namespace Cairn.FrontDoor.Observability;

/// <summary>What the request log writes: every request at <see cref="Level"/> under the category <c>Cairn.Requests</c>.</summary>
public sealed record RequestLogOptions(LogLevel Level);

/// <summary>
/// One log line per request of the S3 port: its ids, what it did, how it ended, its bytes and time, and who asked from where.
/// The console logger queues the line and writes it on its own thread, so the request does not wait for the terminal.
/// </summary>
public sealed partial class RequestLog(ILoggerFactory loggers, RequestLogOptions options) : IRequestObserver
{
    public const string Category = "Cairn.Requests";

    private readonly ILogger log = loggers.CreateLogger(Category);

    public void OnCompleted(RequestRecord record)
    {
        if (!log.IsEnabled(options.Level)) return;
        LogRequest(options.Level, record.RequestId, record.Api, record.Operation?.ToString() ?? record.Action ?? record.Method, record.Bucket, record.Key,
            record.Status, record.ErrorCode, record.BytesReceived, record.BytesSent, Math.Round(record.Duration.TotalMilliseconds, 3),
            record.RemoteAddress, record.Caller);
    }

    [LoggerMessage(EventId = 1, EventName = "Request",
        Message = "{RequestId} {Api} {Operation} {Bucket} {Key} {Status} {ErrorCode} in={BytesIn} out={BytesOut} {DurationMs}ms from {RemoteAddress} by {Caller}")]
    private partial void LogRequest(LogLevel level, string requestId, string api, string operation, string? bucket, string? key, int status, string? errorCode,
        long bytesIn, long bytesOut, double durationMs, string remoteAddress, string caller);
}
