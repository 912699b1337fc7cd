namespace Cairn.Placement.Simulation;

/// <summary>How evenly fragments spread over drives and nodes.</summary>
public sealed record Spread(int Min, double Mean, int Max, double StdDev)
{
    public static Spread Of(IEnumerable<int> counts)
    {
        var values = counts.ToArray();
        var mean = values.Average();
        return new Spread(values.Min(), mean, values.Max(), Math.Sqrt(values.Average(v => (v - mean) * (v - mean))));
    }
}

/// <summary>What losing one node costs: fragments to rebuild, where the bytes flow, how long it takes.</summary>
public sealed record NodeLoss(string Node, int FragmentsLost, int BlobsDegraded, int MostFragmentsLostInOneBlob, int Unplaceable,
    long BytesRead, long BytesWritten, long BusiestNodeBytes, string BusiestNode, int NodesTakingPart, TimeSpan TimeToFullRedundancy);

/// <summary>The outcome of one simulation: the spread of placement, protection checks, and the cost of a node loss.</summary>
public sealed record SimulationResult(SimulationSettings Settings, int Drives, Spread FragmentsPerDrive, Spread FragmentsPerNode,
    int ProtectionViolations, NodeLoss Loss);

/// <summary>
/// Places blobs on a simulated cluster with the same rendezvous placement a node uses, checks the
/// protection level from every layout, then takes one node away and plans the repair as the repair
/// worker would (k surviving fragments read, the lost one written to <see cref="IPlacement.Replacement"/>),
/// counting the bytes each node sends and receives. Time to full redundancy is the busiest node's bytes
/// (the larger of sent and received: links are full duplex) over its network rate: repair runs everywhere
/// at once and the busiest node finishes last. Disks are assumed faster than the network.
/// </summary>
public static class PlacementSimulation
{
    public static SimulationResult Run(SimulationSettings settings, string? lostNode = null)
    {
        var drives = settings.Shape.Drives();
        var placement = new RendezvousPlacement(drives, settings.ProtectionLevel);
        var nodeOf = drives.ToDictionary(d => d.Id, ClusterShape.NodeOf);
        var domainOf = drives.ToDictionary(d => d.Id, d => d.DomainAt(settings.ProtectionLevel));
        var perDrive = drives.ToDictionary(d => d.Id, _ => 0);
        var layouts = new List<(string BlobId, IReadOnlyList<string> Drives)>(settings.Blobs);
        var violations = 0;
        for (var b = 0; b < settings.Blobs; b++)
        {
            var blobId = $"blob-{b:x8}";
            var layout = placement.Place(blobId, settings.DataFragments, settings.ParityFragments);
            layouts.Add((blobId, layout));
            foreach (var drive in layout) perDrive[drive]++;
            if (layout.GroupBy(d => domainOf[d]).Any(g => g.Count() > settings.ParityFragments)) violations++;
        }
        var perNode = perDrive.GroupBy(p => nodeOf[p.Key]).Select(g => g.Sum(p => p.Value));
        var victim = lostNode ?? nodeOf[perDrive.MaxBy(p => p.Value).Key];
        return new SimulationResult(settings, drives.Count, Spread.Of(perDrive.Values), Spread.Of(perNode), violations,
            LoseNode(settings, placement, layouts, nodeOf, victim));
    }

    private static NodeLoss LoseNode(SimulationSettings settings, RendezvousPlacement placement, List<(string BlobId, IReadOnlyList<string> Drives)> layouts,
        Dictionary<string, string> nodeOf, string victim)
    {
        var unavailable = nodeOf.Where(p => p.Value == victim).Select(p => p.Key).ToHashSet();
        var fragmentBytes = (settings.BlobBytes + settings.DataFragments - 1) / settings.DataFragments;
        var sent = new Dictionary<string, long>(StringComparer.Ordinal);
        var received = new Dictionary<string, long>(StringComparer.Ordinal);
        int lost = 0, degraded = 0, worst = 0, unplaceable = 0;
        long read = 0, written = 0;
        foreach (var (blobId, layout) in layouts)
        {
            var gone = layout.Where(unavailable.Contains).ToList();
            if (gone.Count == 0) continue;
            degraded++;
            lost += gone.Count;
            worst = Math.Max(worst, gone.Count);
            var kept = layout.Where(d => !unavailable.Contains(d)).ToList();
            // The rebuilding node reads k survivors (itself among them when it holds one) and writes each lost fragment.
            var sources = kept.Take(settings.DataFragments).ToList();
            foreach (var _ in gone)
            {
                var target = placement.Replacement(blobId, kept, settings.ParityFragments, unavailable);
                if (target is null) { unplaceable++; continue; }
                kept.Add(target);
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
        var seconds = busiest.Value * 8 / (settings.NodeGigabitsPerSecond * 1e9);
        return new NodeLoss(victim, lost, degraded, worst, unplaceable, read, written, busiest.Value, busiest.Key, load.Count, TimeSpan.FromSeconds(seconds));
    }

    private static void Add(Dictionary<string, long> traffic, string node, long bytes) => traffic[node] = traffic.GetValueOrDefault(node) + bytes;
}
