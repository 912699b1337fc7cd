using Cairn.Placement.Simulation;

namespace Cairn.Placement.Tests;

public sealed class PlacementSimulationTests
{
    [Fact]
    public void Five_nodes_in_zones_never_break_the_protection_level_and_a_node_loss_is_repairable()
    {
        // 5 zones of one node each, 4 drives a node, 3+2 protected at the zone level: at most 2 fragments per zone.
        var settings = new SimulationSettings(new ClusterShape(5, 1, 1, 4), 3, 2, ProtectionLevel: 0, Blobs: 2000, BlobBytes: 3 << 20, NodeGigabitsPerSecond: 10);
        var result = PlacementSimulation.Run(settings);
        Assert.Equal(0, result.ProtectionViolations);
        Assert.Equal(2000 * 5, result.FragmentsPerDrive.Mean * result.Drives, precision: 6);
        Assert.True(result.Loss.MostFragmentsLostInOneBlob <= 2, "a zone never held more than m fragments of a blob");
        Assert.Equal(0, result.Loss.Unplaceable);
        // Every lost fragment is rebuilt from k = 3 survivors, at most one of them on the rebuilding node.
        var fragment = (3L << 20) / 3;
        Assert.Equal(result.Loss.FragmentsLost * fragment, result.Loss.BytesWritten);
        Assert.InRange(result.Loss.BytesRead, result.Loss.FragmentsLost * 2 * fragment, result.Loss.FragmentsLost * 3 * fragment);
    }

    [Fact]
    public void Placement_spreads_evenly_and_repair_is_shared_by_every_survivor()
    {
        var settings = new SimulationSettings(new ClusterShape(2, 2, 4, 6), 4, 2, ProtectionLevel: 2, Blobs: 6000, BlobBytes: 64 << 20, NodeGigabitsPerSecond: 10);
        var result = PlacementSimulation.Run(settings, lostNode: "n1");
        Assert.Equal(0, result.ProtectionViolations);
        Assert.True(result.FragmentsPerNode.StdDev / result.FragmentsPerNode.Mean < 0.05, $"nodes hold uneven shares: {result.FragmentsPerNode}");
        Assert.Equal("n1", result.Loss.Domain);
        Assert.Equal(15, result.Loss.NodesTakingPart);
        // No survivor carries more than a few times its fair share of the repair.
        var fairShare = (result.Loss.BytesRead + result.Loss.BytesWritten) / 15.0;
        Assert.True(result.Loss.BusiestNodeBytes < 3 * fairShare, $"busiest node moves {result.Loss.BusiestNodeBytes} against a fair share of {fairShare}");
        Assert.Equal(result.Loss.BusiestNodeBytes * 8 / 10e9, result.Loss.TimeToFullRedundancy.TotalSeconds, precision: 3);
    }

    [Fact]
    public void A_protection_level_the_map_cannot_satisfy_is_refused()
    {
        // Two zones cannot hold 4+2 with at most 2 fragments per zone.
        var settings = new SimulationSettings(new ClusterShape(2, 1, 1, 6), 4, 2, ProtectionLevel: 0, Blobs: 10, BlobBytes: 1 << 20, NodeGigabitsPerSecond: 10);
        Assert.Throws<PlacementException>(() => PlacementSimulation.Run(settings));
    }
}
