using Cairn.Index.Billing;

namespace Cairn.Workers.Usage;

/// <summary>
/// The cluster's usage from its nodes' samples. Each node measures the ranges it leads (its share), on the same
/// instants as the others (<see cref="UsageSampler"/> ticks on the interval's boundaries), so the shares add up. The
/// sum at an instant takes each node's newest sample at or before it, unless that is older than the staleness bound:
/// a node's sample from before it went down would otherwise be counted again beside the figures of the nodes that
/// took over its ranges. A range whose leader changes while the nodes measure may be counted by neither or both for
/// that one instant.
/// </summary>
public static class UsageShares
{
    /// <summary>
    /// The summed samples, one at each instant any node measured at, oldest first; each node's samples oldest first.
    /// </summary>
    public static IReadOnlyList<UsageSample> Sum(IReadOnlyList<IReadOnlyList<UsageSample>> perNode, TimeSpan staleAfter)
    {
        var instants = perNode.SelectMany(samples => samples.Select(s => s.At)).Distinct().Order().ToArray();
        var next = new int[perNode.Count];
        var sums = new List<UsageSample>(instants.Length);
        foreach (var at in instants)
        {
            var shares = new List<UsageSample>(perNode.Count);
            for (var node = 0; node < perNode.Count; node++)
            {
                var samples = perNode[node];
                while (next[node] < samples.Count && samples[next[node]].At <= at) next[node]++;
                if (next[node] > 0 && samples[next[node] - 1] is var newest && at - newest.At < staleAfter) shares.Add(newest);
            }
            sums.Add(new UsageSample(at, shares.Max(s => s.MeasuredSeconds), ClassUsage.Sum(shares.SelectMany(s => s.Classes), c => c.Bucket)));
        }
        return sums;
    }
}
