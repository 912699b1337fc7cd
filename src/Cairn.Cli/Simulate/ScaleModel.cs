using Cairn.Placement.Simulation;
using Cairn.Workers;

namespace Cairn.Cli.Simulate;

/// <summary>
/// A loss simulated on a sample of blobs, scaled to the stored data. The sample is first normalised to the lost domain's
/// expected share of the fragments (its drives' share of the weight), so that a domain which happened to hold more or fewer
/// of the sampled fragments does not skew the figures. Two ways to repair it:
/// <list type="bullet">
/// <item><b>design</b>: every lost fragment rebuilt by the node that will hold it, all nodes at once (what
/// <see cref="PlacementSimulation.Lose"/> plans): the busiest node's bytes over its link. Its load at scale is the even share
/// plus the sample's excess over it shrunk by √(blobs at scale / blobs sampled), the way counting noise shrinks.</item>
/// <item><b>today</b>: the one node that runs repair (the first range's leader) rebuilds every blob itself, one after
/// another: it reads k fragments over the network for each fragment it rebuilds and sends the rebuilt one to its drive,
/// so its link carries k × the lost bytes; and each blob ends with an index commit (ReplaceLayout) before the next starts.
/// Read, decode and write of one blob are not overlapped with the next blob's, which makes this a lower bound.</item>
/// </list>
/// </summary>
public sealed record ScaledLoss(string Kind, DomainLoss Sample, double Scale, double FragmentBytesLost, double BlobsDegraded, double BlobsLost,
    IReadOnlyDictionary<int, double> BlobsAtMargin, double BusiestNodeBytes, TimeSpan DesignTime, double RepairerBytes, TimeSpan TodayTransferTime,
    TimeSpan TodayCommitTime)
{
    /// <summary>Today's time to full redundancy: the transfers through the repairer's link, then a commit per blob, one blob at a time.</summary>
    public TimeSpan TodayTime => TodayTransferTime + TodayCommitTime;
}

/// <summary>Annual durability in nines from repair times, by the project's own formulas (docs/durability.md).</summary>
public sealed record DurabilityFigure(string Case, double RepairHours, double StoreNines, double DriveModelNines);

public static class ScaleModel
{
    /// <summary>
    /// Scales a loss of <paramref name="lostDrives"/> drives simulated on <paramref name="placed"/>'s sample to
    /// <paramref name="data"/>, links at <paramref name="gbps"/>, an index commit taking <paramref name="commit"/>.
    /// </summary>
    public static ScaledLoss Scale(string kind, DomainLoss sample, PlacedCluster placed, IReadOnlySet<string> lostDrives, DataScale data, double gbps, TimeSpan commit)
    {
        var s = placed.Settings;
        var n = s.DataFragments + s.ParityFragments;
        var weight = placed.Drives.Sum(d => d.Weight);
        var expected = (double)s.Blobs * n * placed.Drives.Where(d => lostDrives.Contains(d.Id)).Sum(d => d.Weight) / weight;
        var normal = sample.FragmentsLost > 0 ? expected / sample.FragmentsLost : 0;
        var sampleRaw = (double)s.Blobs * s.BlobBytes * n / s.DataFragments;
        var bytes = data.RawBytes / sampleRaw * normal;
        var count = data.Blobs / s.Blobs * normal;
        var fragmentBytes = (double)((s.BlobBytes + s.DataFragments - 1) / s.DataFragments);
        var excess = sample.MeanNodeBytes > 0 ? sample.BusiestNodeBytes / sample.MeanNodeBytes - 1 : 0;
        var busiest = sample.MeanNodeBytes * bytes * (1 + excess / Math.Sqrt(Math.Max(1, data.Blobs / s.Blobs)));
        var repairer = (double)sample.FragmentsRebuilt * fragmentBytes * s.DataFragments * bytes;
        var repairable = (sample.BlobsDegraded - sample.BlobsLost) * count;
        return new ScaledLoss(kind, sample, bytes, sample.FragmentsLost * fragmentBytes * bytes, sample.BlobsDegraded * count, sample.BlobsLost * count,
            sample.BlobsAtMargin.ToDictionary(p => p.Key, p => p.Value * count), busiest, Seconds(busiest, gbps), repairer, Seconds(repairer, gbps),
            TimeSpan.FromSeconds(repairable * commit.TotalSeconds));
    }

    private static TimeSpan Seconds(double bytes, double gbps) => TimeSpan.FromSeconds(bytes * 8 / (gbps * 1e9));

    /// <summary>The detection time the durability estimate adds to every repair (<see cref="DurabilityOptions.DetectionHours"/>).</summary>
    public static double DetectionHours { get; } = new DurabilityOptions().DetectionHours;

    /// <summary>The drive AFR `cairn server` assumes unless told (<see cref="DurabilityOptions.AnnualFailureRate"/>, `--drive-afr`).</summary>
    public static double DefaultAfr { get; } = new DurabilityOptions().AnnualFailureRate;

    /// <summary>
    /// Steady-state annual durability with every stripe whole, as `admin durability` computes it: the store model
    /// (<see cref="StripeDurability"/>) over the cluster's blobs, and the drive model (<see cref="DurabilityLedger.AnnualNines"/>),
    /// with repair time T = detection + <paramref name="driveRepair"/> (the time to rebuild one failed drive).
    /// </summary>
    public static DurabilityFigure Steady(string label, DataScale data, int drives, double afr, TimeSpan driveRepair)
    {
        var hours = DetectionHours + driveRepair.TotalHours;
        var margins = new[] { new StripeMargins(data.DataFragments, data.ParityFragments, data.ParityFragments, (long)Math.Round(data.Blobs)) };
        var store = StripeDurability.Nines(StripeDurability.AnnualLossProbability(margins, drives, drives, afr, hours));
        return new DurabilityFigure(label, hours, store, DurabilityLedger.AnnualNines(drives, data.ParityFragments, afr, hours));
    }

    /// <summary>
    /// What `admin durability` would report while <paramref name="loss"/> is being repaired: the store model over the stripes
    /// as they are then (each degraded blob at its margin, the rest whole), with T = detection + the loss's repair time.
    /// Blobs already lost (below k) are reported apart by the model, not counted.
    /// </summary>
    public static DurabilityFigure During(string label, ScaledLoss loss, DataScale data, int drives, int drivesLost, double afr, TimeSpan repair)
    {
        var hours = DetectionHours + repair.TotalHours;
        var degraded = loss.BlobsAtMargin.Where(p => p.Key >= 0).Sum(p => p.Value);
        var margins = loss.BlobsAtMargin.Where(p => p.Key >= 0)
            .Select(p => new StripeMargins(data.DataFragments, data.ParityFragments, p.Key, (long)Math.Round(p.Value)))
            .Append(new StripeMargins(data.DataFragments, data.ParityFragments, data.ParityFragments, (long)Math.Round(Math.Max(0, data.Blobs - degraded - loss.BlobsLost))))
            .ToList();
        var store = StripeDurability.Nines(StripeDurability.AnnualLossProbability(margins, drives, drives - drivesLost, afr, hours));
        return new DurabilityFigure(label, hours, store, DurabilityLedger.AnnualNines(drives - drivesLost, data.ParityFragments, afr, hours));
    }
}
