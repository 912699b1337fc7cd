using Cairn.Workers.Usage;
using Prometheus;

namespace Cairn.Node.Metrics;

/// <summary>
/// Objects and bytes per bucket and storage class from the <see cref="UsageSampler"/>'s latest sample (taken every
/// <see cref="UsageOptions.Interval"/>, never per scrape). Each node measures the keys of the ranges it leads, so summing a
/// metric over the nodes gives the cluster's figure; a node alone measures everything.
/// </summary>
public sealed class BucketUsageMetrics(UsageSampler sampler, IMetricFactory metrics) : IMetricsSource
{
    private readonly Gauge objects = metrics.CreateGauge("cairn_bucket_objects", "Current versions (objects, delete markers aside) per bucket and storage class.", ["bucket", "storage_class"]);
    private readonly Gauge bytes = metrics.CreateGauge("cairn_bucket_bytes",
        "Bytes stored per bucket and storage class: kind current (current versions), noncurrent (older versions) or incomplete_upload (parts of uploads in progress).",
        ["bucket", "storage_class", "kind"]);
    private readonly Gauge sampled = metrics.CreateGauge("cairn_bucket_usage_sampled_timestamp_seconds", "When the per-bucket figures were last counted (Unix time; 0 before the first count).");
    private readonly Gauge took = metrics.CreateGauge("cairn_bucket_usage_sample_duration_seconds", "How long the last count of the per-bucket figures took.");
    private UsageSample? shown;

    public void Sample()
    {
        // A scrape between two samples sets nothing: the series already show the latest.
        if (sampler.Latest is not { } sample || ReferenceEquals(sample, shown)) return;
        lock (objects)
        {
            var counted = sample.Classes.Where(c => c.Objects > 0).ToArray();
            // A class with objects has a current series even when they are empty; other kinds appear once they hold bytes.
            var stored = sample.Classes
                .SelectMany(c => new[] { (c.Bucket, c.StorageClass, Kind: "current", Bytes: c.CurrentBytes, Shown: c.Objects > 0 || c.CurrentBytes > 0),
                    (c.Bucket, c.StorageClass, Kind: "noncurrent", Bytes: c.NoncurrentBytes, Shown: c.NoncurrentBytes > 0),
                    (c.Bucket, c.StorageClass, Kind: "incomplete_upload", Bytes: c.IncompleteUploadBytes, Shown: c.IncompleteUploadBytes > 0) })
                .Where(s => s.Shown)
                .ToArray();
            foreach (var c in counted) objects.WithLabels(c.Bucket, c.StorageClass).Set(c.Objects);
            foreach (var s in stored) bytes.WithLabels(s.Bucket, s.StorageClass, s.Kind).Set(s.Bytes);
            objects.RemoveAllBut(counted.Select(c => new[] { c.Bucket, c.StorageClass }));
            bytes.RemoveAllBut(stored.Select(s => new[] { s.Bucket, s.StorageClass, s.Kind }));
            took.Set(sample.MeasuredSeconds);
            sampled.Set(sample.At.ToUnixTimeMilliseconds() / 1000.0);
            shown = sample;
        }
    }
}
