namespace Cairn.Node.Metrics;

/// <summary>Metrics read from a component's own counters when a scrape comes: cheap, never a walk of the index or the drives.</summary>
public interface IMetricsSource
{
    void Sample();
}
