using System.Text;
using Cairn.Core.Errors;
using Cairn.Index.Buckets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.FrontDoor.AccessLogging;

/// <summary>
/// Server access log delivery on this node: keeps the lines of requests on buckets whose logging is enabled, in memory
/// per source bucket, and every <see cref="FrontDoorOptions.AccessLogInterval"/> (or as soon as a bucket's lines reach
/// <see cref="MaxObjectBytes"/>) writes them as one log object into the bucket's target, as S3's logging service: only
/// where the target's policy (or ACL) lets it (<see cref="LogDeliveryPermission"/>). Best effort, as in S3: lines still in
/// memory when the node stops are lost, and a delivery that fails is not retried. Each node delivers its own lines.
/// </summary>
public sealed partial class AccessLogDelivery(AccessLogObserver observer, BucketSettings settings, LogDeliveryPermission permission,
    LogObjectWriter writer, FrontDoorOptions options, TimeProvider time, ILogger<AccessLogDelivery> log) : BackgroundService
{
    /// <summary>A bucket's lines are delivered as soon as they reach this size, whatever the interval.</summary>
    public const int MaxObjectBytes = 4 * 1024 * 1024;

    /// <summary>How long a bucket's logging configuration is trusted before it is read again (a change takes at most this long).</summary>
    private static readonly TimeSpan ConfigurationLifetime = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, (bool Logged, DateTimeOffset Read)> logged = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingLog> pending = new(StringComparer.Ordinal);

    /// <summary>Targets already reported as refusing delivery, so the reason is logged once, not every interval.</summary>
    private readonly HashSet<(string Source, string Target)> refusals = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            using (var interval = new CancellationTokenSource(options.AccessLogInterval, time))
            using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(interval.Token, stoppingToken))
            {
                try
                {
                    while (await observer.Entries.WaitToReadAsync(waiting.Token).ConfigureAwait(false))
                    {
                        while (observer.Entries.TryRead(out var entry))
                            await AcceptAsync(entry, stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The interval is over: deliver.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            foreach (var bucket in pending.Keys.ToList()) await DeliverAsync(bucket, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task AcceptAsync(AccessLogEntry entry, CancellationToken cancellationToken)
    {
        if (!await IsLoggedAsync(entry.Bucket, entry.ChangesLogging, cancellationToken).ConfigureAwait(false)) return;
        if (!pending.TryGetValue(entry.Bucket, out var lines)) pending[entry.Bucket] = lines = new PendingLog(entry.Time);
        foreach (var line in entry.Lines()) lines.Add(line);
        if (lines.Bytes >= MaxObjectBytes) await DeliverAsync(entry.Bucket, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> IsLoggedAsync(string bucket, bool changed, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!changed && logged.TryGetValue(bucket, out var known) && now - known.Read < ConfigurationLifetime) return known.Logged;
        var (record, document) = await ReadAsync(bucket, cancellationToken).ConfigureAwait(false);
        var isLogged = record is not null && document is not null;
        if (logged.Count >= 10_000) logged.Clear();
        logged[bucket] = (isLogged, now);
        return isLogged;
    }

    /// <summary>
    /// Writes a bucket's pending lines as one log object, under the configuration in force now (disabled since: dropped),
    /// each line headed by the bucket owner's canonical id.
    /// </summary>
    private async Task DeliverAsync(string source, CancellationToken cancellationToken)
    {
        var lines = pending[source];
        pending.Remove(source);
        var (record, document) = await ReadAsync(source, cancellationToken).ConfigureAwait(false);
        if (record is null || LoggingStatus.FromStored(document) is not { } status) return;
        var key = LogObjectKey.For(status, source, options.Region, time.GetUtcNow(), lines.FirstEvent);
        try
        {
            if (!await permission.AllowsAsync(status.TargetBucket, source, key, cancellationToken).ConfigureAwait(false))
            {
                if (refusals.Add((source, status.TargetBucket))) LogRefused(source, status.TargetBucket, LogDeliveryPermission.ServiceName);
                return;
            }
            await writer.WriteAsync(status.TargetBucket, key, lines.Content(record.Owner), cancellationToken).ConfigureAwait(false);
            refusals.Remove((source, status.TargetBucket));
            LogDelivered(source, status.TargetBucket, key, lines.Count);
        }
        catch (S3Exception e)
        {
            if (refusals.Add((source, status.TargetBucket))) LogFailed(source, status.TargetBucket, e.Code.Code, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(source, status.TargetBucket, e.GetType().Name, e.Message);
        }
    }

    private async Task<(Index.Records.BucketRecord? Bucket, string? Document)> ReadAsync(string bucket, CancellationToken cancellationToken)
    {
        try
        {
            return await settings.GetAsync(bucket, LoggingStatus.SettingName, cancellationToken).ConfigureAwait(false);
        }
        catch (Index.Shards.IndexUnavailableException)
        {
            // The bucket's range is unreachable for now: its lines are not kept, as S3 loses some in its best effort.
            return (null, null);
        }
    }

    /// <summary>One source bucket's lines waiting for delivery.</summary>
    private sealed class PendingLog(DateTimeOffset firstEvent)
    {
        private readonly List<string> lines = [];

        public DateTimeOffset FirstEvent { get; } = firstEvent;
        public int Bytes { get; private set; }
        public int Count => lines.Count;

        public void Add(string line)
        {
            lines.Add(line);
            Bytes += line.Length + 66;
        }

        public byte[] Content(string owner)
        {
            var text = new StringBuilder(Bytes);
            foreach (var line in lines) text.Append(owner).Append(' ').Append(line).Append('\n');
            return Encoding.UTF8.GetBytes(text.ToString());
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Access logs of bucket {Source} are not delivered: the policy of target bucket {Target} does not allow {Service} s3:PutObject (nor does its ACL grant the LogDelivery group WRITE)")]
    private partial void LogRefused(string source, string target, string service);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Access logs of bucket {Source} could not be delivered to {Target}: {Code} {Message}")]
    private partial void LogFailed(string source, string target, string code, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Access logs of bucket {Source}: {Count} records delivered to {Target}/{Key}")]
    private partial void LogDelivered(string source, string target, string key, int count);
}
