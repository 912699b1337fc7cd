using System.Threading.Channels;
using Cairn.FrontDoor.Observability;
using Cairn.FrontDoor.Routing;

namespace Cairn.FrontDoor.AccessLogging;

/// <summary>
/// One request on a bucket, waiting to be sorted into its bucket's log. It is formatted only there, once the bucket is
/// known to be logged: most buckets are not, so most requests are never formatted.
/// </summary>
/// <param name="ChangesLogging">A PutBucketLogging: the bucket's logging configuration must be read again.</param>
/// <param name="CopySourceSide">The read half of a copy, logged in the source's bucket (<see cref="RequestRecord.CopySource"/>).</param>
public sealed record AccessLogEntry(string Bucket, DateTimeOffset Time, RequestRecord Request, bool ChangesLogging, bool CopySourceSide = false)
{
    public IEnumerable<string> Lines() => CopySourceSide ? [AccessLogRecord.CopySourceLine(Request)] : AccessLogRecord.Lines(Request);
}

/// <summary>
/// Queues every completed request on a bucket for <see cref="AccessLogDelivery"/>, which keeps (and formats) those of
/// logged buckets only. Never blocks the request: when the queue is full the line is dropped,
/// as S3's delivery is best effort. Requests the delivery makes itself never pass here (it writes through the internal
/// PUT path, not the S3 port), so logs are never logged into logs.
/// </summary>
public sealed class AccessLogObserver : IRequestObserver
{
    private const int Capacity = 100_000;

    private readonly Channel<AccessLogEntry> queue = Channel.CreateBounded<AccessLogEntry>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public ChannelReader<AccessLogEntry> Entries => queue.Reader;

    public void OnCompleted(RequestRecord record)
    {
        if (record.Bucket is null || record.Api is not ("s3" or "website") || !Core.Names.BucketName.IsValid(record.Bucket)) return;
        queue.Writer.TryWrite(new AccessLogEntry(record.Bucket, record.Started, record,
            record.Operation == S3Operation.PutBucketLogging));
        // A copy is a GET and a PUT: S3 logs the GET in the source's bucket as well.
        if (record.CopySource is { } source) queue.Writer.TryWrite(new AccessLogEntry(source.Bucket, record.Started, record, false, CopySourceSide: true));
    }
}
