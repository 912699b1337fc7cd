using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using Cairn.FrontDoor.Observability;
using Cairn.FrontDoor.Routing;
using Prometheus;

namespace Cairn.Node.Metrics;

/// <summary>
/// Requests of the S3 port by operation and status, their latency and their bytes, from the <see cref="RequestRecord"/>
/// of each. The operation is S3's name (PutObject), the API's for IAM, STS, admin and website requests, and
/// <c>Unknown</c> for a request refused before it was routed.
/// </summary>
public sealed class RequestMetrics : IRequestObserver
{
    private readonly double[] latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly FrozenDictionary<S3Operation, string> names = Enum.GetValues<S3Operation>().ToFrozenDictionary(o => o, o => o.ToString());
    private readonly Counter requests;
    private readonly Counter errors;
    private readonly Histogram duration;
    private readonly Counter received;
    private readonly Counter sent;

    public RequestMetrics(IMetricFactory metrics)
    {
        requests = metrics.CreateCounter("cairn_s3_requests_total", "Requests answered, by operation and HTTP status.", ["operation", "status"]);
        errors = metrics.CreateCounter("cairn_s3_errors_total", "Requests answered with an error, by operation and S3 (or IAM) error code.", ["operation", "code"]);
        duration = metrics.CreateHistogram("cairn_s3_request_duration_seconds", "Time from the request's arrival to the end of its response, by operation.",
            new HistogramConfiguration { LabelNames = ["operation"], Buckets = latencyBuckets });
        received = metrics.CreateCounter("cairn_s3_received_bytes_total", "Request body bytes received (Content-Length as sent), by operation.", ["operation"]);
        sent = metrics.CreateCounter("cairn_s3_sent_bytes_total", "Response body bytes sent, by operation.", ["operation"]);
    }

    /// <summary>Each label set's series, found once: prometheus-net's WithLabels allocates and hashes on every call.</summary>
    private readonly ConcurrentDictionary<(string Operation, int Status), Counter.Child> requestSeries = new();
    private readonly ConcurrentDictionary<string, OperationSeries> operationSeries = new(StringComparer.Ordinal);

    private sealed record OperationSeries(Histogram.Child Duration, Counter.Child Received, Counter.Child Sent);

    public void OnCompleted(RequestRecord record)
    {
        var operation = record.Operation is { } o ? names[o] : record.Api == "s3" ? "Unknown" : record.Api;
        requestSeries.GetOrAdd((operation, record.Status),
            static (key, counter) => counter.WithLabels(key.Operation, key.Status.ToString(CultureInfo.InvariantCulture)), requests).Inc();
        if (record.ErrorCode is { } code) errors.WithLabels(operation, code).Inc();
        var series = operationSeries.GetOrAdd(operation,
            static (name, metrics) => new OperationSeries(metrics.duration.WithLabels(name), metrics.received.WithLabels(name), metrics.sent.WithLabels(name)), this);
        series.Duration.Observe(record.Duration.TotalSeconds);
        if (record.BytesReceived > 0) series.Received.Inc(record.BytesReceived);
        if (record.BytesSent > 0) series.Sent.Inc(record.BytesSent);
    }
}
