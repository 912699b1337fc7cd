namespace Cairn.Placement.Simulation;

/// <summary>How evenly fragments spread over drives and nodes.</summary>
public sealed record Spread(int Min, double Mean, int Max, double StdDev)
{
    public static Spread Of(IEnumerable<int> counts)
    {
        var values = counts.ToArray();
        if (values.Length == 0) return new Spread(0, 0, 0, 0);
        var mean = values.Average();
        return new Spread(values.Min(), mean, values.Max(), Math.Sqrt(values.Average(v => (v - mean) * (v - mean))));
    }
}

/// <summary>
/// What losing a set of drives at once (one drive, a node, a rack) costs: fragments to rebuild, blobs beyond repair,
/// where the bytes flow and how long the busiest node takes. <see cref="Domain"/> names what was lost.
/// </summary>
public sealed record DomainLoss(string Domain, int FragmentsLost, int BlobsDegraded, int MostFragmentsLostInOneBlob, int Unplaceable,
    long BytesRead, long BytesWritten, long BusiestNodeBytes, string BusiestNode, int NodesTakingPart, TimeSpan TimeToFullRedundancy)
{
    /// <summary>Blobs that lost more than m fragments: fewer than k survive, nothing can rebuild them.</summary>
    public int BlobsLost { get; init; }

    /// <summary>Fragments rebuilt (lost ones of blobs that can be rebuilt and have a legal replacement drive).</summary>
    public int FragmentsRebuilt { get; init; }

    /// <summary>Nodes that survive the loss (whether or not they take part in the repair).</summary>
    public int SurvivingNodes { get; init; }

    /// <summary>
    /// Each surviving node's share of the repair traffic if it were spread perfectly (the bytes read across the network
    /// over the survivors; every byte is sent by one node and received by another): what the busiest node's load tends to
    /// as the blobs grow many and counting noise fades.
    /// </summary>
    public double MeanNodeBytes { get; init; }

    /// <summary>Degraded blobs by their margin right after the loss (surviving fragments minus k; negative: lost).</summary>
    public IReadOnlyDictionary<int, int> BlobsAtMargin { get; init; } = new Dictionary<int, int>();
}

/// <summary>The outcome of one simulation: the spread of placement, protection checks, and the cost of a node loss.</summary>
public sealed record SimulationResult(SimulationSettings Settings, int Drives, Spread FragmentsPerDrive, Spread FragmentsPerNode,
    int ProtectionViolations, DomainLoss Loss);

/// <summary>Blobs placed on a simulated cluster by the real placement, with the maps a loss or a rebalance needs.</summary>
public sealed class PlacedCluster
{
    public required SimulationSettings Settings { get; init; }
    public required IReadOnlyList<DriveEntry> Drives { get; init; }
    public required RendezvousPlacement Placement { get; init; }

    /// <summary>Drive id → node (the third segment of its domain path).</summary>
    public required IReadOnlyDictionary<string, string> NodeOf { get; init; }

    public required IReadOnlyList<(string BlobId, IReadOnlyList<string> Drives)> Layouts { get; init; }
    public required IReadOnlyDictionary<string, int> FragmentsPerDrive { get; init; }

    /// <summary>Blobs with more than m fragments in one failure domain at the protection level (must be 0).</summary>
    public required int ProtectionViolations { get; init; }

    /// <summary>The failure domain at <paramref name="level"/> (0 zone, 1 rack, 2 node, 3 drive) holding the most fragments: the worst one to lose.</summary>
    public string BusiestDomain(int level) =>
        Drives.GroupBy(d => d.DomainAt(level)).MaxBy(g => g.Sum(d => FragmentsPerDrive[d.Id]))!.Key;

    /// <summary>The drives inside the domain path <paramref name="domain"/> (a zone, rack, node or drive path).</summary>
    public IReadOnlySet<string> DrivesIn(string domain) =>
        Drives.Where(d => d.Domain == domain || d.Domain.StartsWith(domain + "/", StringComparison.Ordinal)).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
}

/// <summary>What adding drives to the map would move: the fragments whose blob's placement no longer picks their drive.</summary>
public sealed record RebalanceResult(int Blobs, long Fragments, long FragmentsMoved, long FragmentsOntoNewNodes, long FragmentsBetweenOldNodes, int BlobsTouched,
    int ProtectionViolationsAfter, double NewWeightShare, Spread FragmentsPerNewNode, Spread FragmentsPerOldNodeAfter)
{
    public double MovedFraction => Fragments == 0 ? 0 : (double)FragmentsMoved / Fragments;
}

/// <summary>
/// Places blobs on a simulated cluster with the same rendezvous placement a node uses, checks the
/// protection level from every layout, then takes drives away (one drive, a node, a rack) and plans the
/// repair as the repair worker would (k surviving fragments read, the lost one written to
/// <see cref="IPlacement.Replacement"/>), counting the bytes each node sends and receives. Time to full
/// redundancy is the busiest node's bytes (the larger of sent and received: links are full duplex) over
/// its network rate, with every lost fragment rebuilt by the node that will hold it, all at once; the busiest
/// node finishes last. Disks are assumed faster than the network.
/// </summary>
public static class PlacementSimulation
{
    public static SimulationResult Run(SimulationSettings settings, string? lostNode = null)
    {
        var placed = Place(settings);
        var perNode = placed.FragmentsPerDrive.GroupBy(p => placed.NodeOf[p.Key]).Select(g => g.Sum(p => p.Value));
        var victim = lostNode ?? placed.NodeOf[placed.FragmentsPerDrive.MaxBy(p => p.Value).Key];
        var unavailable = placed.NodeOf.Where(p => p.Value == victim).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        return new SimulationResult(settings, placed.Drives.Count, Spread.Of(placed.FragmentsPerDrive.Values), Spread.Of(perNode), placed.ProtectionViolations,
            Lose(placed, victim, unavailable));
    }

    /// <summary>Places <see cref="SimulationSettings.Blobs"/> blobs (ids blob-00000000, …) and counts fragments per drive and protection violations.</summary>
    public static PlacedCluster Place(SimulationSettings settings)
    {
        var drives = settings.Shape.Drives();
        var placement = new RendezvousPlacement(drives, settings.ProtectionLevel);
        var domainOf = drives.ToDictionary(d => d.Id, d => d.DomainAt(settings.ProtectionLevel), StringComparer.Ordinal);
        var perDrive = drives.ToDictionary(d => d.Id, _ => 0, StringComparer.Ordinal);
        var layouts = new List<(string BlobId, IReadOnlyList<string> Drives)>(settings.Blobs);
        var violations = 0;
        for (var b = 0; b < settings.Blobs; b++)
        {
            var blobId = BlobId(b);
            var layout = placement.Place(blobId, settings.DataFragments, settings.ParityFragments);
            layouts.Add((blobId, layout));
            foreach (var drive in layout) perDrive[drive]++;
            if (layout.GroupBy(d => domainOf[d]).Any(g => g.Count() > settings.ParityFragments)) violations++;
        }
        return new PlacedCluster
        {
            Settings = settings,
            Drives = drives,
            Placement = placement,
            NodeOf = drives.ToDictionary(d => d.Id, ClusterShape.NodeOf, StringComparer.Ordinal),
            Layouts = layouts,
            FragmentsPerDrive = perDrive,
            ProtectionViolations = violations,
        };
    }

    /// <summary>The id of the b-th simulated blob.</summary>
    public static string BlobId(int b) => $"blob-{b:x8}";

    /// <summary>
    /// Takes <paramref name="unavailable"/> drives away at once and plans the repair: every blob that lost at most m
    /// fragments has each rebuilt on the drive <see cref="IPlacement.Replacement"/> picks, from k survivors read over
    /// the network by the node that holds that drive; a blob that lost more is counted lost.
    /// </summary>
    public static DomainLoss Lose(PlacedCluster placed, string domain, IReadOnlySet<string> unavailable)
    {
        var settings = placed.Settings;
        var nodeOf = placed.NodeOf;
        var k = settings.DataFragments;
        var fragmentBytes = (settings.BlobBytes + k - 1) / k;
        var sent = new Dictionary<string, long>(StringComparer.Ordinal);
        var received = new Dictionary<string, long>(StringComparer.Ordinal);
        var margins = new Dictionary<int, int>();
        int lost = 0, degraded = 0, worst = 0, unplaceable = 0, blobsLost = 0, rebuilt = 0;
        long read = 0, written = 0;
        foreach (var (blobId, layout) in placed.Layouts)
        {
            var gone = layout.Where(unavailable.Contains).ToList();
            if (gone.Count == 0) continue;
            degraded++;
            lost += gone.Count;
            worst = Math.Max(worst, gone.Count);
            var kept = layout.Where(d => !unavailable.Contains(d)).ToList();
            var margin = kept.Count - k;
            margins[margin] = margins.GetValueOrDefault(margin) + 1;
            if (margin < 0)
            {
                blobsLost++;
                continue;
            }
            // The rebuilding node reads k survivors (itself among them when it holds one) and writes each lost fragment.
            var sources = kept.Take(k).ToList();
            foreach (var _ in gone)
            {
                var target = placed.Placement.Replacement(blobId, kept, settings.ParityFragments, unavailable);
                if (target is null) { unplaceable++; continue; }
                kept.Add(target);
                rebuilt++;
                var builder = nodeOf[target];
                foreach (var source in sources.Where(s => nodeOf[s] != builder))
                {
                    Add(sent, nodeOf[source], fragmentBytes);
                    Add(received, builder, fragmentBytes);
                    read += fragmentBytes;
                }
                written += fragmentBytes;
            }
        }
        // Links are full duplex: a node is as busy as the larger of what it sends and what it receives.
        var load = sent.Keys.Union(received.Keys).ToDictionary(n => n, n => Math.Max(sent.GetValueOrDefault(n), received.GetValueOrDefault(n)));
        var busiest = load.Count == 0 ? new KeyValuePair<string, long>("-", 0) : load.MaxBy(p => p.Value);
        var lostNodes = nodeOf.GroupBy(p => p.Value).Count(g => g.All(p => unavailable.Contains(p.Key)));
        var surviving = nodeOf.Values.Distinct().Count() - lostNodes;
        var seconds = busiest.Value * 8 / (settings.NodeGigabitsPerSecond * 1e9);
        return new DomainLoss(domain, lost, degraded, worst, unplaceable, read, written, busiest.Value, busiest.Key, load.Count, TimeSpan.FromSeconds(seconds))
        {
            BlobsLost = blobsLost,
            FragmentsRebuilt = rebuilt,
            SurvivingNodes = surviving,
            MeanNodeBytes = surviving == 0 ? 0 : (double)read / surviving,
            BlobsAtMargin = margins,
        };
    }

    /// <summary>
    /// Places <paramref name="blobs"/> blobs on <paramref name="before"/> and on <paramref name="after"/> (the same drives
    /// and more) and counts, blob by blob, the fragments on a drive the new placement no longer picks: what a rebalancer
    /// would copy to the drive that replaced it (a layout names a drive per slot, so a moved fragment keeps its slot and
    /// nothing else moves). Also checks the protection level of every new layout.
    /// </summary>
    public static RebalanceResult Rebalance(IReadOnlyList<DriveEntry> before, IReadOnlyList<DriveEntry> after, int dataFragments, int parityFragments,
        int protectionLevel, int blobs)
    {
        var old = new RendezvousPlacement(before, protectionLevel);
        var grown = new RendezvousPlacement(after, protectionLevel);
        var oldIds = before.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var nodeOf = after.ToDictionary(d => d.Id, ClusterShape.NodeOf, StringComparer.Ordinal);
        var domainOf = after.ToDictionary(d => d.Id, d => d.DomainAt(protectionLevel), StringComparer.Ordinal);
        var newNodes = after.Where(d => !oldIds.Contains(d.Id)).Select(ClusterShape.NodeOf).ToHashSet(StringComparer.Ordinal);
        var perNode = after.Select(ClusterShape.NodeOf).Distinct().ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        long fragments = 0, moved = 0, ontoNew = 0, betweenOld = 0;
        int touched = 0, violations = 0;
        for (var b = 0; b < blobs; b++)
        {
            var blobId = BlobId(b);
            var was = old.Place(blobId, dataFragments, parityFragments);
            var now = grown.Place(blobId, dataFragments, parityFragments);
            fragments += was.Count;
            foreach (var drive in now) perNode[nodeOf[drive]]++;
            if (now.GroupBy(d => domainOf[d]).Any(g => g.Count() > parityFragments)) violations++;
            var arriving = now.Except(was, StringComparer.Ordinal).ToList();
            if (arriving.Count == 0) continue;
            touched++;
            moved += arriving.Count;
            foreach (var drive in arriving)
                if (newNodes.Contains(nodeOf[drive])) ontoNew++;
                else betweenOld++;
        }
        var share = after.Where(d => !oldIds.Contains(d.Id)).Sum(d => d.Weight) / after.Sum(d => d.Weight);
        return new RebalanceResult(blobs, fragments, moved, ontoNew, betweenOld, touched, violations, share,
            Spread.Of(perNode.Where(p => newNodes.Contains(p.Key)).Select(p => p.Value)),
            Spread.Of(perNode.Where(p => !newNodes.Contains(p.Key)).Select(p => p.Value)));
    }

    private static void Add(Dictionary<string, long> traffic, string node, long bytes) => traffic[node] = traffic.GetValueOrDefault(node) + bytes;
}
