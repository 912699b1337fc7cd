using Prometheus;

namespace Cairn.Node.Metrics;

/// <summary>Drops the series of things that are gone (a deleted bucket, a range this node no longer holds), so they stop being exported.</summary>
internal static class SeriesPruning
{
    public static void RemoveAllBut<TChild>(this Collector<TChild> collector, IEnumerable<string[]> live) where TChild : ChildBase
    {
        var keep = live.Select(Key).ToHashSet(StringComparer.Ordinal);
        foreach (var labels in collector.GetAllLabelValues().ToArray())
            if (!keep.Contains(Key(labels))) collector.RemoveLabelled(labels);
    }

    private static string Key(string[] labels) => string.Join('\u0001', labels);
}
