using System.Collections.Concurrent;

namespace Cairn.Workers.Lifecycle;

/// <summary>How many of each lifecycle action this process's passes did since it started, by action and target storage class.</summary>
public sealed class LifecycleTally
{
    private readonly ConcurrentDictionary<(string Action, string StorageClass), long> counts = new();

    public void Record(IEnumerable<LifecycleOutcome> outcomes)
    {
        foreach (var outcome in outcomes) counts.AddOrUpdate((outcome.Action, outcome.StorageClass ?? ""), 1, (_, n) => n + 1);
    }

    /// <summary>The counts so far; the storage class is empty for actions that move nothing to a class.</summary>
    public IReadOnlyList<(string Action, string StorageClass, long Count)> Counts() =>
        counts.Select(c => (c.Key.Action, c.Key.StorageClass, c.Value)).ToArray();
}
