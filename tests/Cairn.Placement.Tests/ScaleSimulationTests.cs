using Cairn.Placement.Simulation;

namespace Cairn.Placement.Tests;

public sealed class ScaleSimulationTests
{
    [Fact]
    public void Adding_a_tenth_of_the_nodes_moves_about_that_share_of_the_fragments_and_only_onto_them()
    {
        // 100 nodes of 2 drives in 10 racks, then a new rack of 10 nodes: 10/110 of the weight is new.
        var shape = new ClusterShape(1, 10, 10, 2);
        var before = shape.Drives();
        var after = before.Concat(shape.AddedNodes(10, newRacks: true)).ToArray();
        var result = PlacementSimulation.Rebalance(before, after, 8, 4, protectionLevel: 2, blobs: 3000);
        Assert.Equal(3000 * 12, result.Fragments);
        Assert.Equal(10.0 / 110, result.NewWeightShare, precision: 9);
        Assert.InRange(result.MovedFraction, 10.0 / 110 * 0.9, 10.0 / 110 * 1.1);
        // Rendezvous only lets the new drives displace old ones: no fragment moves between two old nodes.
        Assert.Equal(0, result.FragmentsBetweenOldNodes);
        Assert.Equal(result.FragmentsMoved, result.FragmentsOntoNewNodes);
        Assert.Equal(0, result.ProtectionViolationsAfter);
        // The new nodes end up with the same load as the old ones, within sampling noise.
        Assert.InRange(result.FragmentsPerNewNode.Mean / result.FragmentsPerOldNodeAfter.Mean, 0.9, 1.1);
    }

    [Fact]
    public void Nodes_added_into_existing_racks_are_numbered_on_and_spread_over_the_racks()
    {
        var shape = new ClusterShape(2, 3, 2, 4);
        var added = shape.AddedNodes(6, newRacks: false);
        Assert.Equal(24, added.Count);
        Assert.Equal("n13-d0", added[0].Id);
        Assert.Equal(6, added.Select(d => d.DomainAt(1)).Distinct().Count());
        Assert.All(added, d => Assert.Contains(d.DomainAt(1), shape.Drives().Select(e => e.DomainAt(1))));
        var racked = shape.AddedNodes(3, newRacks: true);
        Assert.Equal("z0/z0-r3/n13/n13-d0", racked[0].Domain);
        Assert.Equal("z0/z0-r4/n15/n15-d3", racked[^1].Domain);
    }

    [Fact]
    public void A_rack_loss_under_rack_protection_never_loses_a_blob_and_every_lost_fragment_finds_a_legal_drive()
    {
        // 6 racks × 3 nodes × 2 drives, 4+2 at rack level: at most 2 fragments of a blob in a rack.
        var placed = PlacementSimulation.Place(new SimulationSettings(new ClusterShape(1, 6, 3, 2), 4, 2, ProtectionLevel: 1, Blobs: 2000, BlobBytes: 4 << 20,
            NodeGigabitsPerSecond: 10));
        Assert.Equal(0, placed.ProtectionViolations);
        foreach (var rack in placed.Drives.Select(d => d.DomainAt(1)).Distinct())
        {
            var drives = placed.DrivesIn(rack);
            Assert.Equal(6, drives.Count);
            var loss = PlacementSimulation.Lose(placed, rack, drives);
            Assert.Equal(0, loss.BlobsLost);
            Assert.True(loss.MostFragmentsLostInOneBlob <= 2);
            Assert.Equal(0, loss.Unplaceable);
            Assert.Equal(loss.FragmentsLost, loss.FragmentsRebuilt);
            Assert.Equal(15, loss.SurvivingNodes);
            Assert.Equal((double)loss.BytesRead / 15, loss.MeanNodeBytes, precision: 6);
            Assert.True(loss.BlobsAtMargin.Keys.All(margin => margin >= 0));
        }
    }

    [Fact]
    public void A_rack_loss_under_node_protection_can_lose_blobs()
    {
        // The same cluster protected per node only: a rack of three nodes may hold more than m fragments of a blob.
        var placed = PlacementSimulation.Place(new SimulationSettings(new ClusterShape(1, 6, 3, 2), 4, 2, ProtectionLevel: 2, Blobs: 2000, BlobBytes: 4 << 20,
            NodeGigabitsPerSecond: 10));
        var rack = placed.Drives[0].DomainAt(1);
        var loss = PlacementSimulation.Lose(placed, rack, placed.DrivesIn(rack));
        Assert.True(loss.BlobsLost > 0, "a rack of three nodes held more than two fragments of some blob");
        Assert.Equal(loss.BlobsLost, loss.BlobsAtMargin.Where(p => p.Key < 0).Sum(p => p.Value));
    }

    [Fact]
    public void A_drive_loss_is_rebuilt_from_k_survivors_each()
    {
        var placed = PlacementSimulation.Place(new SimulationSettings(new ClusterShape(1, 4, 4, 3), 6, 3, ProtectionLevel: 2, Blobs: 1500, BlobBytes: 6 << 20,
            NodeGigabitsPerSecond: 10));
        var drive = placed.Drives[5].Domain;
        var loss = PlacementSimulation.Lose(placed, drive, placed.DrivesIn(drive));
        Assert.Equal(placed.FragmentsPerDrive[placed.Drives[5].Id], loss.FragmentsLost);
        Assert.Equal(loss.FragmentsLost, loss.BlobsDegraded);
        Assert.Equal(16, loss.SurvivingNodes);
        const long fragment = (6L << 20) / 6;
        Assert.Equal(loss.FragmentsLost * fragment, loss.BytesWritten);
        Assert.InRange(loss.BytesRead, loss.FragmentsLost * 5 * fragment, loss.FragmentsLost * 6 * fragment);
    }
}
