using System.Diagnostics;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Shards;
using Cairn.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Cairn.Node.Metrics;

/// <summary>
/// Objects and bytes per bucket and storage class, counted by a walk of the index every <see cref="MetricsOptions.UsageInterval"/>
/// (never per scrape). Each node counts the keys of the ranges it leads, so summing a metric over the nodes gives the
/// cluster's figure; a node alone counts everything.
/// </summary>
public sealed partial class BucketUsageMetrics(IndexRouter index, BucketCatalog buckets, IWorkOwnership ownership, MetricsOptions options,
    IMetricFactory metrics, TimeProvider time, ILogger<BucketUsageMetrics> log) : BackgroundService
{
    private readonly Gauge objects = metrics.CreateGauge("cairn_bucket_objects", "Current versions (objects, delete markers aside) per bucket and storage class.", ["bucket", "storage_class"]);
    private readonly Gauge bytes = metrics.CreateGauge("cairn_bucket_bytes",
        "Bytes stored per bucket and storage class: kind current (current versions), noncurrent (older versions) or incomplete_upload (parts of uploads in progress).",
        ["bucket", "storage_class", "kind"]);
    private readonly Gauge sampled = metrics.CreateGauge("cairn_bucket_usage_sampled_timestamp_seconds", "When the per-bucket figures were last counted (Unix time; 0 before the first count).");
    private readonly Gauge took = metrics.CreateGauge("cairn_bucket_usage_sample_duration_seconds", "How long the last count of the per-bucket figures took.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.UsageInterval, time);
        // The first count at start, so a scrape soon after has figures.
        do
        {
            try
            {
                await CountAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogCountFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task CountAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var counted = new Dictionary<(string Bucket, string StorageClass), long>();
        var stored = new Dictionary<(string Bucket, string StorageClass, string Kind), long>();
        foreach (var bucket in await buckets.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            var uploads = new List<KeyUpload>();
            await foreach (var key in BucketVersionWalk.KeysAsync(index, bucket.Name, ownership.Tends, uploads, cancellationToken).ConfigureAwait(false))
                for (var i = 0; i < key.NewestFirst.Count; i++)
                {
                    var version = key.NewestFirst[i];
                    if (version.IsDeleteMarker) continue;
                    if (i == 0) Add(counted, (bucket.Name, version.StorageClass), 1);
                    Add(stored, (bucket.Name, version.StorageClass, i == 0 ? "current" : "noncurrent"), version.Size);
                }
            foreach (var upload in uploads)
                Add(stored, (bucket.Name, upload.Upload.StorageClass, "incomplete_upload"), upload.Parts.Sum(p => p.Size));
        }
        foreach (var ((bucket, storageClass), n) in counted) objects.WithLabels(bucket, storageClass).Set(n);
        foreach (var ((bucket, storageClass, kind), n) in stored) bytes.WithLabels(bucket, storageClass, kind).Set(n);
        objects.RemoveAllBut(counted.Keys.Select(k => new[] { k.Bucket, k.StorageClass }));
        bytes.RemoveAllBut(stored.Keys.Select(k => new[] { k.Bucket, k.StorageClass, k.Kind }));
        took.Set(Stopwatch.GetElapsedTime(started).TotalSeconds);
        sampled.Set(time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
    }

    private static void Add<TKey>(Dictionary<TKey, long> totals, TKey key, long value) where TKey : notnull =>
        totals[key] = totals.GetValueOrDefault(key) + value;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting objects and bytes per bucket for /metrics failed; the next interval tries again")]
    private partial void LogCountFailed(Exception e);
}
