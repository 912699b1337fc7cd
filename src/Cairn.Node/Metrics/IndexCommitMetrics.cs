using Cairn.Index.Commands;
using Cairn.Index.Shards;
using Prometheus;

namespace Cairn.Node.Metrics;

/// <summary>How long index commands take from issue to their durable outcome, by command (PutVersion, DeleteVersion, …).</summary>
public sealed class IndexCommitMetrics(IMetricFactory metrics) : IIndexCommandObserver
{
    private readonly Histogram duration = metrics.CreateHistogram("cairn_index_commit_duration_seconds",
        "Time an index command takes from issue to its durable outcome: the shard's group commit (fsync) on a node alone, Raft replication and apply in a cluster.",
        new HistogramConfiguration { LabelNames = ["command"], Buckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10] });

    public void Executed(IndexCommand command, TimeSpan duration) => this.duration.WithLabels(command.GetType().Name).Observe(duration.TotalSeconds);
}
