using Cairn.Data.Drives;
using Cairn.FrontDoor.Observability;
using Cairn.Node.Cluster;
using Cairn.Workers;
using Cairn.Workers.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Cairn.Node.Metrics;

public static class MetricsServices
{
    /// <summary>
    /// The node's Prometheus metrics in a registry of its own (no process-wide default registry): the request observer, the
    /// index command timer, the sources sampled on each scrape (the per-bucket figures among them, from the usage sampler), and the endpoint.
    /// </summary>
    public static IServiceCollection AddMetrics(this IServiceCollection s, MetricsOptions options, IReadOnlyDictionary<string, IFragmentStore> localDrives,
        ClusterRuntime? cluster)
    {
        s.AddSingleton(options);
        s.AddSingleton(Prometheus.Metrics.NewCustomRegistry());
        s.AddSingleton<IMetricFactory>(sp => Prometheus.Metrics.WithCustomRegistry(sp.GetRequiredService<CollectorRegistry>()));
        s.AddSingleton<RequestMetrics>();
        s.AddSingleton<IRequestObserver>(sp => sp.GetRequiredService<RequestMetrics>());
        s.AddSingleton<IndexCommitMetrics>();
        s.AddSingleton<LifecycleTally>();
        s.AddSingleton<IMetricsSource>(sp => new DriveMetrics(localDrives, sp.GetRequiredService<IDriveAvailability>(), sp.GetRequiredService<IMetricFactory>()));
        s.AddSingleton<IMetricsSource, DurabilityMetrics>();
        s.AddSingleton<IMetricsSource, GarbageCollectionMetrics>();
        s.AddSingleton<IMetricsSource, LifecycleMetrics>();
        if (cluster is not null) s.AddSingleton<IMetricsSource>(sp => new RaftMetrics(cluster, sp.GetRequiredService<IMetricFactory>()));
        s.AddSingleton<IMetricsSource, BucketUsageMetrics>();
        s.AddSingleton<MetricsEndpoint>();
        return s;
    }
}
