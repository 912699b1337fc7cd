using Cairn.Index.Billing;

namespace Cairn.Workers.Usage;

/// <summary>
/// The cluster's usage from its nodes' samples: each node measures the ranges it leads (its share) on the same instants
/// as the others (<see cref="UsageSampler"/>), and the shares add up per instant (<see cref="NodeShares"/>). A range whose
/// leader changes while the nodes measure may be counted by neither or both for that one instant.
/// </summary>
public static class UsageShares
{
    /// <summary>The summed samples, one at each instant any node measured at, oldest first; each node's samples oldest first.</summary>
    public static IReadOnlyList<UsageSample> Sum(IReadOnlyList<IReadOnlyList<UsageSample>> perNode, TimeSpan staleAfter) =>
        NodeShares.SumPerInstant(perNode, s => s.At,
            (at, shares) => new UsageSample(at, shares.Max(s => s.MeasuredSeconds), ClassUsage.Sum(shares.SelectMany(s => s.Classes), c => c.Bucket)),
            staleAfter);
}
