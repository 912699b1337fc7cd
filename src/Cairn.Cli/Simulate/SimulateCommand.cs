using System.CommandLine;
using System.Globalization;
using Cairn.Cli.Bench;
using Cairn.Placement.Simulation;
using static Cairn.Cli.OptionParsing;

namespace Cairn.Cli.Simulate;

/// <summary>
/// `cairn simulate placement`: Cairn's placement on a cluster far larger than this machine — how evenly
/// fragments spread, whether the protection level ever breaks, and what losing one node costs in repair
/// traffic and time to full redundancy. Arithmetic over the real placement code, no I/O.
/// </summary>
public static class SimulateCommand
{
    private static readonly string[] Levels = ["zone", "rack", "node", "drive"];

    public static Command Create() => new("simulate", "Simulations that argue the design past this machine")
    {
        Placement(), ScaleCommands.Ranges(), ScaleCommands.Meta(), ScaleCommands.Rebalance(), ScaleCommands.Repair(), ScaleCommands.Durability(),
    };

    private static Command Placement()
    {
        var zones = new Option<int>("--zones") { DefaultValueFactory = _ => 3 };
        var racks = new Option<int>("--racks-per-zone") { DefaultValueFactory = _ => 4 };
        var nodes = new Option<int>("--nodes-per-rack") { DefaultValueFactory = _ => 8 };
        var drives = new Option<int>("--drives-per-node") { DefaultValueFactory = _ => 12 };
        var ec = new Option<string>("--ec") { Description = "Erasure code K+M", DefaultValueFactory = _ => "8+4" };
        var level = new Option<string>("--protection-level") { Description = "zone, rack, node or drive: at most M fragments of a blob in one", DefaultValueFactory = _ => "node" };
        var blobs = new Option<int>("--blobs") { Description = "Blobs placed", DefaultValueFactory = _ => 20_000 };
        var size = new Option<long>("--blob-size")
        {
            Description = "Bytes per blob: 64MiB, 1GiB",
            DefaultValueFactory = _ => 64L * 1024 * 1024,
            CustomParser = r => Parse<long>(r, ByteSize.TryParse),
        };
        var network = new Option<double>("--network-gbps") { Description = "Each node's network rate, Gbit/s", DefaultValueFactory = _ => 10 };
        var lose = new Option<string?>("--lose-node") { Description = "The node taken away (default: the one holding the most fragments)" };
        var command = new Command("placement", "Place blobs on a simulated cluster, check protection, and plan the repair after a node loss")
        {
            zones, racks, nodes, drives, ec, level, blobs, size, network, lose,
        };
        command.SetAction(parse =>
        {
            var code = parse.GetValue(ec)!.Split('+');
            var levelIndex = Array.IndexOf(Levels, parse.GetValue(level));
            if (code.Length != 2 || !int.TryParse(code[0], out var k) || !int.TryParse(code[1], out var m) || k < 1 || m < 0 || levelIndex < 0)
            {
                Console.Error.WriteLine("--ec must be K+M and --protection-level one of zone, rack, node, drive.");
                return 2;
            }
            var settings = new SimulationSettings(new ClusterShape(parse.GetValue(zones), parse.GetValue(racks), parse.GetValue(nodes), parse.GetValue(drives)),
                k, m, levelIndex, parse.GetValue(blobs), parse.GetValue(size), parse.GetValue(network));
            var started = System.Diagnostics.Stopwatch.StartNew();
            SimulationResult result;
            try
            {
                result = PlacementSimulation.Run(settings, parse.GetValue(lose));
            }
            catch (Cairn.Placement.PlacementException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
            Print(result, started.Elapsed);
            return result.ProtectionViolations == 0 && result.Loss.Unplaceable == 0 ? 0 : 1;
        });
        return command;
    }

    private static void Print(SimulationResult r, TimeSpan took)
    {
        var s = r.Settings;
        var stored = (double)s.Blobs * s.BlobBytes;
        string Bytes(double b) => b >= 1L << 40 ? $"{b / (1L << 40):F2} TiB" : b >= 1L << 30 ? $"{b / (1L << 30):F1} GiB" : $"{b / (1L << 20):F0} MiB";
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"cluster: {s.Shape.Zones} zones x {s.Shape.RacksPerZone} racks x {s.Shape.NodesPerRack} nodes = {s.Shape.Nodes} nodes, {r.Drives} drives; {s.DataFragments}+{s.ParityFragments}, protection level {Levels[s.ProtectionLevel]}"));
        Console.WriteLine(string.Create(c, $"stored: {s.Blobs} blobs x {Bytes(s.BlobBytes)} = {Bytes(stored)} ({Bytes(stored * (s.DataFragments + s.ParityFragments) / s.DataFragments)} raw)"));
        Console.WriteLine(string.Create(c, $"fragments per drive: min {r.FragmentsPerDrive.Min}, mean {r.FragmentsPerDrive.Mean:F1}, max {r.FragmentsPerDrive.Max}, stddev {r.FragmentsPerDrive.StdDev:F1} ({r.FragmentsPerDrive.StdDev / r.FragmentsPerDrive.Mean:P1})"));
        Console.WriteLine(string.Create(c, $"fragments per node:  min {r.FragmentsPerNode.Min}, mean {r.FragmentsPerNode.Mean:F1}, max {r.FragmentsPerNode.Max}, stddev {r.FragmentsPerNode.StdDev:F1} ({r.FragmentsPerNode.StdDev / r.FragmentsPerNode.Mean:P1})"));
        Console.WriteLine(string.Create(c, $"blobs with more than {s.ParityFragments} fragments in one {Levels[s.ProtectionLevel]}: {r.ProtectionViolations}"));
        var l = r.Loss;
        Console.WriteLine(string.Create(c, $"lose {l.Domain}: {l.FragmentsLost} fragments of {l.BlobsDegraded} blobs (at most {l.MostFragmentsLostInOneBlob} in one blob), {l.Unplaceable} with no legal replacement"));
        Console.WriteLine(string.Create(c, $"repair: reads {Bytes(l.BytesRead)} across the network, writes {Bytes(l.BytesWritten)}; {l.NodesTakingPart} nodes take part; busiest {l.BusiestNode} moves {Bytes(l.BusiestNodeBytes)}"));
        Console.WriteLine(string.Create(c, $"time to full redundancy at {s.NodeGigabitsPerSecond} Gbit/s per node: {l.TimeToFullRedundancy.TotalSeconds:F1} s for this data ({l.TimeToFullRedundancy.TotalMinutes / (stored / (1L << 40)) * 100:F1} min per 100 TiB stored, linear in the data)"));
        Console.WriteLine(string.Create(c, $"simulated in {took.TotalSeconds:F1} s"));
    }
}
