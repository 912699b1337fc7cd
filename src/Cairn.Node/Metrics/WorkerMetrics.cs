using Cairn.Workers;
using Cairn.Workers.Lifecycle;
using Prometheus;

namespace Cairn.Node.Metrics;

/// <summary>The garbage collector's backlog and what it freed.</summary>
public sealed class GarbageCollectionMetrics(GarbageCollector collector, IMetricFactory metrics) : IMetricsSource
{
    private readonly Gauge backlog = metrics.CreateGauge("cairn_gc_backlog_blobs",
        "Blobs on the free queues of the ranges this node leads that the running drain has not freed yet (a drain takes at most 1,000).");
    private readonly Counter freed = metrics.CreateCounter("cairn_gc_freed_blobs_total", "Blobs freed from the free queues, since the process started.");
    private readonly Counter orphans = metrics.CreateCounter("cairn_gc_orphan_fragments_freed_total", "Orphan fragments (of uploads that never committed) deleted, since the process started.");

    public void Sample()
    {
        backlog.Set(collector.Backlog);
        freed.IncTo(collector.BlobsFreed);
        orphans.IncTo(collector.OrphansFreed);
    }
}

/// <summary>Lifecycle actions by kind and target storage class.</summary>
public sealed class LifecycleMetrics(LifecycleTally tally, IMetricFactory metrics) : IMetricsSource
{
    private readonly Counter actions = metrics.CreateCounter("cairn_lifecycle_actions_total",
        "Lifecycle actions done on this node since the process started: transition, expire, expire-with-delete-marker, expire-noncurrent, remove-expired-delete-marker, abort-upload; storage_class is a transition's target (empty for the others).",
        ["action", "storage_class"]);

    public void Sample()
    {
        foreach (var (action, storageClass, count) in tally.Counts()) actions.WithLabels(action, storageClass).IncTo(count);
    }
}
