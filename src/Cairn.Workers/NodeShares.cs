namespace Cairn.Workers;

/// <summary>A node of a cluster that did not answer a read asked of every node, and why: its part is missing from the answer.</summary>
public sealed record UnreachableNode(string Node, string ClusterAddress, string Error);

/// <summary>
/// A store-wide series from the series each node of a cluster keeps of its own part (its usage share, its scrub and
/// repair counts). The nodes sample on the same boundaries, so their instants mostly coincide; the sum at an instant takes
/// each node's newest sample at or before it, unless that is <c>staleAfter</c> old or older: a node's sample from before it
/// went down must not be counted beside the figures of the nodes that took over its work.
/// </summary>
public static class NodeShares
{
    /// <summary>The sums at each instant any node sampled at, oldest first; each node's series oldest first.</summary>
    public static List<T> SumPerInstant<T>(IReadOnlyList<IReadOnlyList<T>> perNode, Func<T, DateTimeOffset> at,
        Func<DateTimeOffset, IReadOnlyList<T>, T> sum, TimeSpan staleAfter)
    {
        var instants = perNode.SelectMany(series => series.Select(at)).Distinct().Order().ToArray();
        var next = new int[perNode.Count];
        var sums = new List<T>(instants.Length);
        foreach (var instant in instants)
        {
            var shares = new List<T>(perNode.Count);
            for (var node = 0; node < perNode.Count; node++)
            {
                var series = perNode[node];
                while (next[node] < series.Count && at(series[next[node]]) <= instant) next[node]++;
                if (next[node] > 0 && series[next[node] - 1] is var newest && instant - at(newest) < staleAfter) shares.Add(newest);
            }
            sums.Add(sum(instant, shares));
        }
        return sums;
    }

    /// <summary>The first multiple of <paramref name="interval"/> since the Unix epoch after <paramref name="now"/>: where samples are taken.</summary>
    public static DateTimeOffset NextBoundary(DateTimeOffset now, TimeSpan interval) =>
        DateTimeOffset.UnixEpoch.AddTicks(((now - DateTimeOffset.UnixEpoch).Ticks / interval.Ticks + 1) * interval.Ticks);
}
