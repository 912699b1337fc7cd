using System.Globalization;

namespace Cairn.Placement.Simulation;

/// <summary>The shape of a simulated cluster: zones × racks × nodes × drives, all drives of equal weight.</summary>
public sealed record ClusterShape(int Zones, int RacksPerZone, int NodesPerRack, int DrivesPerNode)
{
    public int Nodes => Zones * RacksPerZone * NodesPerRack;

    /// <summary>The drive map: domain paths zone/rack/node/drive, node names n1..nN.</summary>
    public IReadOnlyList<DriveEntry> Drives()
    {
        var drives = new List<DriveEntry>(Nodes * DrivesPerNode);
        var node = 0;
        for (var z = 0; z < Zones; z++)
            for (var r = 0; r < RacksPerZone; r++)
                for (var n = 0; n < NodesPerRack; n++)
                {
                    node++;
                    for (var d = 0; d < DrivesPerNode; d++)
                        drives.Add(new DriveEntry($"n{node}-d{d}", string.Create(CultureInfo.InvariantCulture, $"z{z}/z{z}-r{r}/n{node}/n{node}-d{d}")));
                }
        return drives;
    }

    /// <summary>
    /// Drives of <paramref name="count"/> more nodes, numbered on from the last node (n{Nodes+1}, …), each with
    /// <see cref="DrivesPerNode"/> drives: in new racks of <see cref="NodesPerRack"/> nodes in zone 0
    /// (<paramref name="newRacks"/>), or one at a time into the existing racks in turn.
    /// </summary>
    public IReadOnlyList<DriveEntry> AddedNodes(int count, bool newRacks)
    {
        var drives = new List<DriveEntry>(count * DrivesPerNode);
        var racks = Zones * RacksPerZone;
        for (var i = 0; i < count; i++)
        {
            var node = Nodes + i + 1;
            var (z, r) = newRacks ? (0, RacksPerZone + i / NodesPerRack) : (i % racks / RacksPerZone, i % racks % RacksPerZone);
            for (var d = 0; d < DrivesPerNode; d++)
                drives.Add(new DriveEntry($"n{node}-d{d}", string.Create(CultureInfo.InvariantCulture, $"z{z}/z{z}-r{r}/n{node}/n{node}-d{d}")));
        }
        return drives;
    }

    /// <summary>The node a drive of <see cref="Drives"/> belongs to (the third segment of its domain path).</summary>
    public static string NodeOf(DriveEntry drive) => drive.Domain.Split('/')[2];
}

/// <summary>What is simulated: the code, the protection level, the stored data and the network.</summary>
public sealed record SimulationSettings(ClusterShape Shape, int DataFragments, int ParityFragments, int ProtectionLevel, int Blobs, long BlobBytes,
    double NodeGigabitsPerSecond);
