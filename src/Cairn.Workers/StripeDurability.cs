using Cairn.Index.Records;

namespace Cairn.Workers;

/// <summary>How many stripes of one code (k+m) have each margin (surviving fragments minus k) right now.</summary>
public sealed record StripeMargins(int DataFragments, int ParityFragments, int Margin, long Stripes);

/// <summary>
/// The store's estimated annual durability from its stripes as they are now (model and assumptions in
/// docs/durability.md). A blob's stripes share its k+m drives, so they are lost or kept together: a "stripe" here
/// is a blob's layout. p = AFR / 8760 × repair hours is the chance one drive fails within a repair window.
/// <list type="bullet">
/// <item>Steady state, per code: a stripe is lost when one of its n = k+m drives fails (n × AFR a year) and m more of
/// the other n−1 fail, each before the repair of the one before: n·AFR·Π_{i=1..m}(n−i)·p per stripe. Summed over S
/// stripes that overcounts when stripes share drives, so it is capped by the same chain over all N drives
/// (N·AFR·Π_{i=1..m}(N−i)·p: every m+1 drives sharing some stripe).</item>
/// <item>Now, per code and margin r &lt; m: each such stripe is lost if r+1 of its k+r surviving drives fail before
/// repair ends: Π_{i=0..r}(k+r−i)·p, summed over the stripes at r and capped by the same chain over the available drives.</item>
/// </list>
/// The annual loss probability is the sum over codes of both, at most 1; durability is −log10 of it, at most 99 nines.
/// </summary>
public static class StripeDurability
{
    public const double HoursPerYear = 8760;
    public const double MaxNines = 99;

    /// <summary>Counts each referenced blob once at its margin, found from its layout and the unavailable drives.</summary>
    public static IReadOnlyList<StripeMargins> Census(IEnumerable<BlobReference> references, IReadOnlySet<string> unavailable) =>
        references.Where(r => r.Layout is { IsStriped: true })
            .Select(r => r.Layout!)
            .GroupBy(l => (l.DataFragments, l.ParityFragments, Margin: EndangeredStripes.Margin(l, unavailable)))
            .Select(g => new StripeMargins(g.Key.DataFragments, g.Key.ParityFragments, g.Key.Margin, g.LongCount()))
            .OrderBy(m => m.DataFragments).ThenBy(m => m.ParityFragments).ThenBy(m => m.Margin)
            .ToList();

    /// <summary>
    /// Annual probability of losing at least one stripe, from <paramref name="margins"/> (stripes already below k are
    /// lost, not a risk: they are reported, not counted), <paramref name="drives"/> in all and
    /// <paramref name="drivesAvailable"/> now, a drive's annual failure rate and the hours a repair takes.
    /// </summary>
    public static double AnnualLossProbability(IReadOnlyList<StripeMargins> margins, int drives, int drivesAvailable, double afr, double repairHours)
    {
        var p = afr / HoursPerYear * repairHours;
        var loss = 0.0;
        foreach (var code in margins.Where(m => m.Margin >= 0).GroupBy(m => (m.DataFragments, m.ParityFragments)))
        {
            var (k, m) = code.Key;
            var n = k + m;
            var stripes = code.Sum(s => s.Stripes);
            loss += Math.Min(stripes * n * afr * Chain(n - 1, m, p), drives * afr * Chain(drives - 1, m, p));
            foreach (var degraded in code.Where(s => s.Margin < m))
            {
                var r = degraded.Margin;
                loss += Math.Min(degraded.Stripes * Chain(k + r, r + 1, p), Chain(drivesAvailable, r + 1, p));
            }
        }
        return Math.Min(1, loss);
    }

    /// <summary>−log10 of an annual loss probability, at most <see cref="MaxNines"/> (no loss path at all).</summary>
    public static double Nines(double lossProbability) => lossProbability <= 0 ? MaxNines : Math.Min(MaxNines, -Math.Log10(Math.Min(1, lossProbability)));

    /// <summary>Chance that <paramref name="failures"/> drives out of <paramref name="candidates"/> fail one after another, each within a repair window: Π_{i=0..f−1}(c−i)·p.</summary>
    public static double Chain(int candidates, int failures, double p)
    {
        var chance = 1.0;
        for (var i = 0; i < failures; i++) chance *= Math.Max(0, candidates - i) * p;
        return chance;
    }
}
