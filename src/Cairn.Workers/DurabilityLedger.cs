namespace Cairn.Workers;

/// <summary>
/// The durability race in numbers: fragments found lost and rebuilt, how long rebuilding took, and
/// the annual durability those figures imply (model in docs/durability.md). In memory: it describes
/// this process's view since it started.
/// </summary>
public sealed class DurabilityLedger(DurabilityOptions options, TimeProvider time)
{
    private readonly object gate = new();
    private long scrubs, blobsScrubbed, bytesScrubbed, fragmentsLost, fragmentsRebuilt, bytesRebuilt, unrepairable;
    private long fragmentsVerified;
    private TimeSpan repairTime;
    private DateTimeOffset? lastScrub;

    /// <summary>
    /// One blob verified by the running scrub: <paramref name="fragments"/> of its fragments read whole. The pass's own
    /// progress (blobs and bytes so far of its totals) is <see cref="ScrubProgress"/>'s.
    /// </summary>
    public void Verified(long fragments)
    {
        lock (gate) fragmentsVerified += fragments;
    }

    /// <summary>The counters as they stand, for metrics: cheap, no estimate computed.</summary>
    public DurabilityTotals Totals()
    {
        lock (gate)
            return new DurabilityTotals(scrubs, lastScrub, blobsScrubbed, bytesScrubbed, fragmentsVerified, fragmentsLost, fragmentsRebuilt, bytesRebuilt, unrepairable,
                repairTime.TotalSeconds);
    }

    public void Scrubbed(long blobs, long bytes, long lost)
    {
        lock (gate) { scrubs++; blobsScrubbed += blobs; bytesScrubbed += bytes; fragmentsLost += lost; lastScrub = time.GetUtcNow(); }
    }

    /// <summary>Fragments found lost outside any scrub pass: by a read (repair then confirmed it), or on a drive known unavailable.</summary>
    public void FoundLost(long lost)
    {
        lock (gate) fragmentsLost += lost;
    }

    public void Rebuilt(int fragments, long bytes, TimeSpan took)
    {
        lock (gate) { fragmentsRebuilt += fragments; bytesRebuilt += bytes; repairTime += took; }
    }

    public void Unrepairable()
    {
        lock (gate) unrepairable++;
    }

    /// <summary>
    /// The figures of <paramref name="totals"/> (this ledger's, or a cluster's nodes' summed) and both estimates: the drive-level one (every m+1 drives assumed to share a stripe) and the
    /// store's, from <paramref name="margins"/>, the stripes as they are now (see <see cref="StripeDurability"/>).
    /// </summary>
    public DurabilityReport Report(DurabilityTotals totals, int drives, int drivesAvailable, int dataFragments, int parityFragments, long bytesPerDrive,
        IReadOnlyList<StripeMargins> margins)
    {
        // Repair throughput as measured; before any repair, the configured assumption.
        var rate = totals.RepairSeconds > 0 && totals.BytesRebuilt > 0 ? totals.BytesRebuilt / totals.RepairSeconds : options.AssumedRepairBytesPerSecond;
        var rebuildHours = bytesPerDrive / rate / 3600.0;
        var mttrHours = options.DetectionHours + rebuildHours;
        var nines = AnnualNines(drives, parityFragments, options.AnnualFailureRate, mttrHours);
        var storeNines = StripeDurability.Nines(StripeDurability.AnnualLossProbability(margins, drives, drivesAvailable, options.AnnualFailureRate, mttrHours));
        return new DurabilityReport(totals.Scrubs, totals.LastScrub, totals.BlobsScrubbed, totals.BytesScrubbed, totals.FragmentsLost, totals.FragmentsRebuilt,
            totals.BytesRebuilt, totals.UnrepairableBlobs, totals.RepairSeconds, rate, mttrHours, options.AnnualFailureRate, drives, dataFragments, parityFragments,
            nines, drivesAvailable, margins.Sum(m => m.Stripes), margins.Where(m => m.Margin < 0).Sum(m => m.Stripes), margins, storeNines);
    }

    /// <summary>
    /// -log10 of the annual loss rate N·AFR·Π_{i=1..m}((N−i)·λ_h·MTTR): a first drive failure, then m more
    /// among the rest before each repair completes (every set of m+1 drives assumed to share a stripe).
    /// </summary>
    public static double AnnualNines(int drives, int parity, double afr, double mttrHours) =>
        drives <= parity ? 0 : StripeDurability.Nines(drives * afr * StripeDurability.Chain(drives - 1, parity, afr / StripeDurability.HoursPerYear * mttrHours));
}

public sealed record DurabilityOptions
{
    /// <summary>Annual failure rate of one drive (AFR).</summary>
    public double AnnualFailureRate { get; init; } = 0.02;

    /// <summary>Time until a failure is noticed: about the scrub interval, or a drive monitor tick for a whole drive.</summary>
    public double DetectionHours { get; init; } = 1;

    /// <summary>Repair throughput assumed until one has been measured.</summary>
    public double AssumedRepairBytesPerSecond { get; init; } = 100 * 1024 * 1024;

    /// <summary>How often scrub and repair run by themselves; zero turns them off (on demand only).</summary>
    public TimeSpan ScrubInterval { get; init; } = TimeSpan.FromHours(6);

    /// <summary>Scrub reads at most this many bytes per second; zero is unthrottled.</summary>
    public long ScrubBytesPerSecond { get; init; } = 200L * 1024 * 1024;

    /// <summary>
    /// Bytes per second the fragment mover may copy (evacuation, spread-back, rebalance); zero turns rebalance off and
    /// leaves evacuation and spread-back at the scrub rate. A move reads and writes each byte, often across the
    /// network, so a third of the scrub rate keeps most of a drive and a link for clients.
    /// </summary>
    public long RebalanceBytesPerSecond { get; init; } = 64L * 1024 * 1024;
}

/// <summary>The durability counters since this process started (a scrub pass's progress is <see cref="ScrubReport"/>).</summary>
public sealed record DurabilityTotals(long Scrubs, DateTimeOffset? LastScrub, long BlobsScrubbed, long BytesScrubbed, long FragmentsVerified, long FragmentsLost,
    long FragmentsRebuilt, long BytesRebuilt, long UnrepairableBlobs, double RepairSeconds)
{
    /// <summary>Several ledgers' counts as one (a cluster's nodes': each counts the scrubs and repairs it ran).</summary>
    public static DurabilityTotals Sum(IReadOnlyCollection<DurabilityTotals> ledgers) => new(ledgers.Sum(t => t.Scrubs), ledgers.Max(t => t.LastScrub),
        ledgers.Sum(t => t.BlobsScrubbed), ledgers.Sum(t => t.BytesScrubbed), ledgers.Sum(t => t.FragmentsVerified), ledgers.Sum(t => t.FragmentsLost),
        ledgers.Sum(t => t.FragmentsRebuilt), ledgers.Sum(t => t.BytesRebuilt), ledgers.Sum(t => t.UnrepairableBlobs), ledgers.Sum(t => t.RepairSeconds));
}

public sealed record DurabilityReport(long Scrubs, DateTimeOffset? LastScrub, long BlobsScrubbed, long BytesScrubbed, long FragmentsLost,
    long FragmentsRebuilt, long BytesRebuilt, long UnrepairableBlobs, double RepairSeconds, double RepairBytesPerSecond, double MeanTimeToRepairHours,
    double DriveAnnualFailureRate, int Drives, int DataFragments, int ParityFragments, double EstimatedAnnualNines,
    int DrivesAvailable, long Stripes, long StripesLost, IReadOnlyList<StripeMargins> StripeMargins, double StoreAnnualNines)
{
    /// <summary>The nodes of a cluster whose scrub and repair counts are missing from these figures.</summary>
    public UnreachableNode[] Unreachable { get; init; } = [];
}
