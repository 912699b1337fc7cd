using Cairn.Core.Blobs;
using Cairn.Index.Records;
using Cairn.Workers;

namespace Cairn.System.Tests;

/// <summary>The store's durability estimate from its stripes' margins (docs/durability.md), against values worked by hand.</summary>
public sealed class StripeDurabilityTests
{
    private const double Afr = 0.02;

    [Fact]
    public void A_chain_is_the_product_of_the_drives_left_times_the_chance_of_each_failing()
    {
        Assert.Equal(5 * 0.001 * 4 * 0.001, StripeDurability.Chain(5, 2, 0.001), 15);
        Assert.Equal(1, StripeDurability.Chain(5, 0, 0.001));
        Assert.Equal(0, StripeDurability.Chain(1, 2, 0.001));
    }

    [Fact]
    public void Healthy_stripes_over_as_many_drives_as_the_code_match_the_drive_model()
    {
        // 6 drives, 4+2, 2 h to repair: p = 0.02/8760·2; loss = 6·0.02·(5p)(4p) = 2.4p² ≈ 5.004e-11 → 10.30 nines.
        var margins = new[] { new StripeMargins(4, 2, 2, 1000) };

        var loss = StripeDurability.AnnualLossProbability(margins, drives: 6, drivesAvailable: 6, Afr, repairHours: 2);

        Assert.Equal(5.004065803465316e-11, loss, 1e-20);
        Assert.Equal(10.3007, StripeDurability.Nines(loss), 4);
        Assert.Equal(DurabilityLedger.AnnualNines(6, 2, Afr, 2), StripeDurability.Nines(loss), 10);
    }

    [Fact]
    public void Few_stripes_over_many_drives_are_counted_stripe_by_stripe_not_as_every_drive_set()
    {
        // One 4+2 stripe among 1000 drives: only its own six drives can lose it, as on six drives.
        var margins = new[] { new StripeMargins(4, 2, 2, 1) };

        var loss = StripeDurability.AnnualLossProbability(margins, drives: 1000, drivesAvailable: 1000, Afr, repairHours: 2);

        Assert.Equal(5.004065803465316e-11, loss, 1e-20);
        Assert.True(StripeDurability.Nines(loss) > DurabilityLedger.AnnualNines(1000, 2, Afr, 2) + 6);
    }

    [Fact]
    public void Stripes_already_short_of_fragments_dominate_while_their_repair_runs()
    {
        // 3 nodes × 2 drives, 2+2, one node down (4 drives available), 1 h to repair, p = 0.02/8760:
        // steady  min(100·4·0.02·(3p)(2p), 6·0.02·(5p)(4p)) = 2.4p²
        // margin 0: min(10·(2p), 4p) = 4p;  margin 1: min(20·(3p)(2p), (4p)(3p)) = 12p²  →  4p + 14.4p² ≈ 9.1325e-6 → 5.04 nines.
        var margins = new[] { new StripeMargins(2, 2, 0, 10), new StripeMargins(2, 2, 1, 20), new StripeMargins(2, 2, 2, 70) };

        var loss = StripeDurability.AnnualLossProbability(margins, drives: 6, drivesAvailable: 4, Afr, repairHours: 1);

        Assert.Equal(9.132495152311253e-06, loss, 1e-15);
        Assert.Equal(5.0394, StripeDurability.Nines(loss), 4);
        var healthy = StripeDurability.AnnualLossProbability([new StripeMargins(2, 2, 2, 100)], drives: 6, drivesAvailable: 6, Afr, repairHours: 1);
        Assert.True(StripeDurability.Nines(healthy) > StripeDurability.Nines(loss) + 5);
    }

    [Fact]
    public void Lost_stripes_are_reported_not_counted_as_a_risk_and_no_risk_is_the_cap()
    {
        var withLost = new[] { new StripeMargins(2, 2, 2, 100), new StripeMargins(2, 2, -1, 3) };

        Assert.Equal(StripeDurability.AnnualLossProbability([withLost[0]], 6, 6, Afr, 1), StripeDurability.AnnualLossProbability(withLost, 6, 6, Afr, 1));
        Assert.Equal(StripeDurability.MaxNines, StripeDurability.Nines(StripeDurability.AnnualLossProbability([], 6, 6, Afr, 1)));
    }

    [Fact]
    public void The_census_counts_each_blob_once_at_its_margin_per_code()
    {
        var down = new HashSet<string> { "c" };
        BlobReference Blob(string id, string[] drives, int k) => new("b", id, 1)
        {
            Layout = new BlobLayout { BlobId = id, Length = 1, DataFragments = k, ParityFragments = drives.Length - k, StripeSize = k * 1024, Drives = drives },
        };
        var references = new[]
        {
            Blob("x", ["a", "b", "c", "d"], 2), Blob("y", ["a", "b", "e", "d"], 2), Blob("z", ["c", "b", "a"], 2),
            new BlobReference("b", "inline", 1),
        };

        var census = StripeDurability.Census(references, down);

        Assert.Equal([new StripeMargins(2, 1, 0, 1), new StripeMargins(2, 2, 1, 1), new StripeMargins(2, 2, 2, 1)], census);
    }
}
