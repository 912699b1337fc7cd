using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using Cairn.Cli.Bench;
using Cairn.Placement;
using Cairn.Placement.Simulation;
using Spectre.Console;
using static Cairn.Cli.OptionParsing;
using static Cairn.Cli.Simulate.SimulateOutput;

namespace Cairn.Cli.Simulate;

/// <summary>
/// `cairn simulate ranges|meta|rebalance|repair|durability`: the cluster at a scale this machine cannot hold (100 nodes ×
/// 12 drives, 10⁹ objects by default), from Cairn's own code where it exists — the index apply and its encodings, the
/// cluster map and its codec and apply, rendezvous placement, the durability formulas — and stated models where it
/// does not. Arithmetic and sampling, no cluster; each runs in seconds.
/// </summary>
internal static class ScaleCommands
{
    private static readonly string[] Levels = ["zone", "rack", "node", "drive"];
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    // ---- options shared by the commands ----

    private static Option<long[]> ObjectsOption() => new("--objects")
    {
        Description = "Objects stored (1e9, 1000000000; a comma list for several)",
        DefaultValueFactory = _ => [1_000_000_000],
        CustomParser = r => Parse<long[]>(r, TryParseCounts),
    };

    private static Option<int[]> NodesOption(string defaults) => new("--nodes")
    {
        Description = "Nodes in the cluster (a comma list for several)",
        DefaultValueFactory = _ => TryParseCounts(defaults, out var n, out var unused) ? n.Select(v => (int)v).ToArray() : [],
        CustomParser = r => Parse<long[]>(r, TryParseCounts).Select(v => (int)Math.Min(v, 1_000_000)).ToArray(),
    };

    private static Option<ObjectMix> MixOption() => new("--object-mix")
    {
        Description = $"Object sizes as SIZE:SHARE pairs; objects up to the inline threshold (16 KiB) live in the index (default {ObjectMix.DefaultText})",
        DefaultValueFactory = _ => ObjectMix.Default,
        CustomParser = r => Parse<ObjectMix>(r, ObjectMix.TryParse),
    };

    private static Option<string> EcOption() => new("--ec") { Description = "Erasure code K+M", DefaultValueFactory = _ => "8+4" };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON instead of tables" };

    private sealed record ShapeOptions(Option<int> Zones, Option<int> Racks, Option<int> Nodes, Option<int> Drives, Option<string> Level, Option<int> Blobs)
    {
        public static ShapeOptions Create(string level, int blobs) => new(
            new Option<int>("--zones") { DefaultValueFactory = _ => 1 },
            new Option<int>("--racks-per-zone") { DefaultValueFactory = _ => 10 },
            new Option<int>("--nodes-per-rack") { DefaultValueFactory = _ => 10 },
            new Option<int>("--drives-per-node") { DefaultValueFactory = _ => 12 },
            new Option<string>("--protection-level") { Description = "zone, rack, node or drive: at most M fragments of a blob in one", DefaultValueFactory = _ => level },
            new Option<int>("--blobs") { Description = "Blobs placed in the sample (results are scaled to the stored data)", DefaultValueFactory = _ => blobs });

        public void AddTo(Command command)
        {
            command.Options.Add(Zones);
            command.Options.Add(Racks);
            command.Options.Add(Nodes);
            command.Options.Add(Drives);
            command.Options.Add(Level);
            command.Options.Add(Blobs);
        }

        public ClusterShape Shape(ParseResult p) => new(p.GetValue(Zones), p.GetValue(Racks), p.GetValue(Nodes), p.GetValue(Drives));
    }

    private static bool TryParseCounts(string? text, out long[] values, out string error)
    {
        error = $"'{text}' is not a count or a comma list of counts (1e9, 100,1000)";
        values = [];
        if (string.IsNullOrWhiteSpace(text)) return false;
        var list = new List<long>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!double.TryParse(part.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, C, out var v) || !(v >= 1) || v > 1e15) return false;
            list.Add((long)Math.Round(v));
        }
        values = [.. list];
        return values.Length > 0;
    }

    private static bool TryCode(string text, out int k, out int m)
    {
        var code = text.Split('+');
        k = m = 0;
        return code.Length == 2 && int.TryParse(code[0], C, out k) && int.TryParse(code[1], C, out m) && k >= 1 && m >= 0;
    }

    private static int Fail(string message)
    {
        System.Console.Error.WriteLine(message);
        return 2;
    }

    // ---- ranges ----

    public static Command Ranges()
    {
        var objects = ObjectsOption();
        var nodes = NodesOption("100,1000");
        var mix = MixOption();
        var ec = EcOption();
        var split = new Option<long>("--split-objects") { Description = "A range holding more objects than this splits (the server's default)", DefaultValueFactory = _ => RangeModel.Defaults.SplitObjects };
        var replicas = new Option<int>("--range-replicas") { DefaultValueFactory = _ => RangeModel.Defaults.RangeReplicas };
        var bucketBytes = new Option<int>("--bucket-bytes") { Description = "Length of a bucket name", DefaultValueFactory = _ => 12 };
        var keyBytes = new Option<int>("--key-bytes") { Description = "Length of an object key", DefaultValueFactory = _ => 48 };
        var measure = new Option<int>("--measure-objects")
        {
            Description = "Objects written into a real RocksDB index store (temporary folder) to weigh it on disk and time the split check's scan; 0 to skip",
            DefaultValueFactory = _ => 20_000,
        };
        var json = JsonOption();
        var command = new Command("ranges", "Index ranges at scale: bytes per object (real apply), range count and size, Raft groups and their heartbeats per node")
        {
            objects, nodes, mix, ec, split, replicas, bucketBytes, keyBytes, measure, json,
        };
        command.SetAction(p =>
        {
            if (!TryCode(p.GetValue(ec)!, out var k, out var m)) return Fail("--ec must be K+M.");
            if (p.GetValue(replicas) is < 1 or > 5) return Fail("--range-replicas must be 1 to 5.");
            var clock = Stopwatch.StartNew();
            var data = new DataScale(1, p.GetValue(mix)!, k, m);
            var maxNodes = p.GetValue(nodes)!.Max();
            var footprint = IndexFootprint.Measure(data.Mix, data.InlineThreshold, k, m, maxNodes, Math.Max(3, p.GetValue(bucketBytes)), Math.Max(1, p.GetValue(keyBytes)));
            StoreMeasurement? store = null;
            if (p.GetValue(measure) > 0)
            {
                var folder = Path.Combine(Path.GetTempPath(), "cairn-simulate-" + Guid.NewGuid().ToString("N"));
                try
                {
                    store = IndexFootprint.MeasureStore(data.Mix, data.InlineThreshold, k, m, maxNodes, p.GetValue(measure), folder,
                        Math.Max(3, p.GetValue(bucketBytes)), Math.Max(1, p.GetValue(keyBytes)));
                }
                finally
                {
                    try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
                }
            }
            var scanRate = store?.ObjectRowsPerSecond ?? 0;
            var growth = new List<RangeGrowth>();
            var loads = new List<(long Objects, GroupLoad Load)>();
            foreach (var count in p.GetValue(objects)!)
            {
                var random = RangeModel.Grow(count, p.GetValue(split), KeyOrder.Random) with { FillSwing = RangeModel.FillSwing(count, p.GetValue(split)) };
                growth.Add(random);
                growth.Add(RangeModel.Grow(count, p.GetValue(split), KeyOrder.Ascending));
                foreach (var n in p.GetValue(nodes)!)
                    foreach (var spread in new[] { true, false })
                        loads.Add((count, RangeModel.Load(n, random.Ranges, p.GetValue(replicas), footprint.BytesPerObjectHeld(random.OutcomeCopiesPerObject), footprint.ObjectRowsPerObject, count, scanRate, spread,
                            footprint.ObjectRowBytesPerObject)));
            }
            if (p.GetValue(json))
            {
                Json(new
                {
                    mix = data.Mix.ToString(), inlineThreshold = data.InlineThreshold, code = $"{k}+{m}", splitObjects = p.GetValue(split), replicas = p.GetValue(replicas),
                    heartbeatMilliseconds = RangeModel.HeartbeatMilliseconds, splitCheckSeconds = RangeModel.Defaults.SplitCheckInterval.TotalSeconds,
                    footprint = new
                    {
                        bytesPerObject = footprint.BytesPerObject, bytesPerObjectWithoutOutcomes = footprint.BytesPerObjectWithoutOutcomes,
                        rowsPerObject = footprint.RowsPerObject, objectRowsPerObject = footprint.ObjectRowsPerObject,
                        classes = footprint.Classes.Select(c => new { objectBytes = c.Footprint.ObjectBytes, fraction = c.Fraction, inline = c.Footprint.Inline, bytes = c.Footprint.Bytes, rows = c.Footprint.Rows }),
                    },
                    store, growth = growth.Select(g => new { g.Objects, g.SplitObjects, order = g.Order.ToString(), g.Ranges, g.MeanObjects, g.MinObjects, g.MaxObjects, g.Fill,
                        fillLow = g.FillSwing?.Low, fillHigh = g.FillSwing?.High, g.OutcomeCopiesPerObject,
                        indexBytesPerObject = footprint.BytesPerObjectHeld(g.OutcomeCopiesPerObject) }), loads = loads.Select(l => new { objects = l.Objects, load = l.Load, splitCheckCoreShare = l.Load.SplitCheckCoreShare }), seconds = clock.Elapsed.TotalSeconds,
                });
                return 0;
            }
            var console = SimulateOutput.Console();
            Line(console, $"objects {string.Join(", ", p.GetValue(objects)!.Select(o => Count(o)))} of mix {data.Mix} (mean {Bytes(data.Mix.MeanBytes)}; {Percent(1 - data.Mix.BlobFraction(data.InlineThreshold))} inline, ≤ {Bytes(data.InlineThreshold)}); {k}+{m}; split past {Count(p.GetValue(split))} objects; {p.GetValue(replicas)} replicas per range");
            Line(console, $"Raft heartbeat: every {Fixed(RangeModel.HeartbeatMilliseconds, "0")} ms per follower (DotNext's HeartbeatThreshold × Cairn's {RangeModel.Raft.LowerElectionTimeoutMs} ms lower election timeout); split check every {Duration(RangeModel.Defaults.SplitCheckInterval)}");
            var rows = Table($"Index rows one PUT leaves (real ShardStateMachine apply; bucket {footprint.BucketBytes} B, key {footprint.KeyBytes} B names; unversioned bucket)",
                "object", "share", "rows: key + value bytes", "bytes");
            foreach (var (f, fraction) in footprint.Classes)
                Row(rows, $"{Bytes(f.ObjectBytes)}{(f.Inline ? " (inline)" : "")}", Percent(fraction),
                    string.Join("; ", f.Rows.Select(r => $"{r.Kind} {r.KeyBytes}+{r.ValueBytes}")), Count(f.Bytes));
            Row(rows, "mean", "", $"{Fixed(footprint.RowsPerObject, "0.##")} rows, of them {Fixed(footprint.ObjectRowsPerObject, "0.##")} object rows; {Count(footprint.BytesPerObjectWithoutOutcomes)} B without the request outcome", Count(footprint.BytesPerObject));
            console.Write(rows);
            if (store is not null)
                Line(console, $"real RocksDB store, {Count(store.Objects)} objects of the mix: {Bytes(store.TableFileBytes)} of table files ({Count(store.TableBytesPerObject)} B per object, compression and all); the split check counted {Count(store.ObjectsCounted)} objects over {Count(store.ObjectRows)} object rows in {Fixed(store.SplitCountCpuTime.TotalMilliseconds, "0")} ms of CPU ({Fixed(store.SplitCountTime.TotalMilliseconds, "0")} ms wall): {Rate(store.ObjectRowsPerSecond)} rows on one core, warm cache");
            var ranges = Table("Ranges (splits at the middle key, simulated with the threshold scaled down)", "objects", "key order", "simulated threshold", "ranges",
                "objects per range: mean (min–max)", "fill", "fill over a doubling (ranges)", "outcome rows per object", "index per range", "if outcomes were not kept");
            foreach (var g in growth)
                Row(ranges, Count(g.Objects), g.Order == KeyOrder.Random ? "random" : "ascending", Count(g.SimulatedThreshold), Count(g.Ranges),
                    $"{Count(g.MeanObjects)} ({Count(g.MinObjects)}–{Count(g.MaxObjects)})", Percent(g.Fill),
                    g.FillSwing is var (low, high) ? $"{Percent(low)}–{Percent(high)} ({Count(g.Objects / (high * g.SplitObjects))}–{Count(g.Objects / (low * g.SplitObjects))})" : "-",
                    Fixed(g.OutcomeCopiesPerObject, "0.#"), Bytes(g.MeanObjects * footprint.BytesPerObjectHeld(g.OutcomeCopiesPerObject)),
                    Bytes(g.MeanObjects * footprint.BytesPerObjectWithoutOutcomes));
            console.Write(ranges);
            var groups = Table("Raft groups of the index per node (random keys; index with the outcome rows splits copied)", "objects", "nodes", "placement", "groups / node", "leads", "heartbeat msgs/s", "Raft connections",
                "memtables ≤", "index / node", "split check reads a pass", $"pass takes (every {Duration(RangeModel.Defaults.SplitCheckInterval)})");
            foreach (var (count, l) in loads)
                Row(groups, Count(count), Count(l.Nodes), l.Placement, Count(l.GroupsPerNode), Count(l.LedPerNode), Count(l.HeartbeatMessagesPerSecond),
                    Count(l.RaftConnections), Bytes(l.MemtableBytesCeiling), Bytes(l.IndexBytesPerNode), $"{Count(l.SplitCheckRowsPerPass)} rows, {Bytes(l.SplitCheckBytesPerPass)}",
                    scanRate > 0 ? Duration(TimeSpan.FromSeconds(l.SplitCheckSecondsPerPass)) : "not measured");
            console.Write(groups);
            Line(console, $"simulated in {Fixed(clock.Elapsed.TotalSeconds)} s");
            return 0;
        });
        return command;
    }

    // ---- meta ----

    public static Command Meta()
    {
        var objects = ObjectsOption();
        var nodes = NodesOption("100,1000");
        var drives = new Option<int>("--drives-per-node") { DefaultValueFactory = _ => 12 };
        var split = new Option<long>("--split-objects") { DefaultValueFactory = _ => RangeModel.Defaults.SplitObjects };
        var ingest = new Option<double>("--ingest-rate") { Description = "New objects a second, cluster-wide (drives the split rate)", DefaultValueFactory = _ => 10_000 };
        var afr = new Option<double>("--drive-afr") { Description = "Annual failure rate of one drive", DefaultValueFactory = _ => ScaleModel.DefaultAfr };
        var json = JsonOption();
        var command = new Command("meta", "The meta group at scale: cluster map and range map sizes (real codec), commands a second, snapshot and apply cost")
        {
            objects, nodes, drives, split, ingest, afr, json,
        };
        command.SetAction(p =>
        {
            var clock = Stopwatch.StartNew();
            var rows = new List<(long Objects, RangeGrowth Growth, MapSize Size, MetaLoad Load)>();
            foreach (var count in p.GetValue(objects)!)
            {
                var growth = RangeModel.Grow(count, p.GetValue(split), KeyOrder.Random);
                foreach (var n in p.GetValue(nodes)!)
                {
                    var size = MetaModel.Size(n, p.GetValue(drives), growth.Ranges);
                    rows.Add((count, growth, size, MetaModel.Load(n, p.GetValue(drives), growth.Ranges, growth.MeanObjects, p.GetValue(ingest), p.GetValue(afr), size)));
                }
            }
            if (p.GetValue(json))
            {
                Json(new
                {
                    ingestPerSecond = p.GetValue(ingest),
                    rows = rows.Select(r => new
                    {
                        objects = r.Objects, ranges = r.Growth.Ranges, size = r.Size, load = r.Load, heartbeatApplyCoreShare = r.Load.HeartbeatApplyCoreShare,
                        placementRebuildCoreShare = r.Load.PlacementRebuildCoreShare,
                    }),
                    seconds = clock.Elapsed.TotalSeconds,
                });
                return 0;
            }
            var console = SimulateOutput.Console();
            Line(console, $"heartbeat every {Duration(RangeModel.Defaults.HeartbeatInterval)} per node, one meta log entry each; objects arrive at {Rate(p.GetValue(ingest))}; drive AFR {Percent(p.GetValue(afr))}; meta snapshot every {Count(RangeModel.Raft.SnapshotInterval)} entries; {MetaModel.RememberedRequests:N0} request ids remembered");
            var sizes = Table("Cluster map as the meta group stores it (MetaCodec JSON of a real ClusterMap)", "objects", "nodes", "drives", "ranges", "map", "per node", "per drive", "per range", "heartbeat entry");
            foreach (var (count, growth, size, _) in rows)
                Row(sizes, Count(count), Count(size.Nodes), Count(size.Drives), Count(size.Ranges), Bytes(size.MapBytes), $"{Fixed(size.BytesPerNode, "0")} B",
                    $"{Fixed(size.BytesPerDrive, "0")} B", $"{Fixed(size.BytesPerRange, "0")} B", $"{size.HeartbeatCommandBytes} B");
            console.Write(sizes);
            var load = Table("Meta group writes", "nodes", "heartbeats/s", "splits/s", "drive changes/day", "commands/s", "log bytes/s", "snapshot every", "snapshot",
                "dedupe window (deadline)", "heartbeat apply (CPU)", "of one core", "split apply (CPU)", "placement rebuild a heartbeat", "of one core");
            foreach (var (_, _, size, l) in rows)
                Row(load, Count(l.Nodes), Count(l.HeartbeatsPerSecond), Fixed(l.SplitsPerSecond, "0.###"), Fixed(l.DriveChangesPerSecond * 86_400, "0.##"), Count(l.CommandsPerSecond),
                    Bytes(l.LogBytesPerSecond) + "/s", Duration(TimeSpan.FromSeconds(l.SnapshotEverySeconds)), Bytes(l.SnapshotBytes),
                    $"{Duration(TimeSpan.FromSeconds(l.DedupeWindowSeconds))} ({Duration(TimeSpan.FromSeconds(l.ForwardingDeadlineSeconds))})",
                    $"{Fixed(l.HeartbeatApplyMicroseconds, "0.#")} µs", Percent(l.HeartbeatApplyCoreShare), $"{Fixed(l.SplitApplyMicroseconds, "0.#")} µs",
                    $"{Fixed(l.PlacementRebuildMicroseconds, "0")} µs", Percent(l.PlacementRebuildCoreShare));
            console.Write(load);
            Line(console, $"simulated in {Fixed(clock.Elapsed.TotalSeconds)} s");
            return 0;
        });
        return command;
    }

    // ---- rebalance ----

    public static Command Rebalance()
    {
        var shape = ShapeOptions.Create("node", 10_000);
        var add = new Option<int>("--add-nodes") { Description = "Nodes added, each with --drives-per-node drives", DefaultValueFactory = _ => 10 };
        var into = new Option<string>("--into") { Description = "new-racks (racks of --nodes-per-rack in zone 0) or existing-racks (one per rack in turn)", DefaultValueFactory = _ => "new-racks" };
        var ec = EcOption();
        var objects = ObjectsOption();
        var mix = MixOption();
        var rate = new Option<long>("--rebalance-rate")
        {
            Description = "Bytes a second each new node takes in while rebalancing (default: the scrub pace spread-back copies at)",
            DefaultValueFactory = _ => new Workers.DurabilityOptions().ScrubBytesPerSecond,
            CustomParser = r => Parse<long>(r, ByteSize.TryParse),
        };
        var network = new Option<double>("--network-gbps") { Description = "Each node's network rate, Gbit/s", DefaultValueFactory = _ => 10 };
        var json = JsonOption();
        var command = new Command("rebalance", "Nodes added to a cluster: the fragments rendezvous placement would move (real placement, before and after), bytes and time");
        shape.AddTo(command);
        foreach (var o in new Option[] { add, into, ec, objects, mix, rate, network, json }) command.Options.Add(o);
        command.SetAction(p =>
        {
            if (!TryCode(p.GetValue(ec)!, out var k, out var m)) return Fail("--ec must be K+M.");
            var level = Array.IndexOf(Levels, p.GetValue(shape.Level));
            if (level < 0) return Fail("--protection-level must be zone, rack, node or drive.");
            var intoNew = p.GetValue(into) switch { "new-racks" => (bool?)true, "existing-racks" => false, _ => null };
            if (intoNew is null) return Fail("--into must be new-racks or existing-racks.");
            var clock = Stopwatch.StartNew();
            var cluster = shape.Shape(p);
            var before = cluster.Drives();
            var after = before.Concat(cluster.AddedNodes(p.GetValue(add), intoNew.Value)).ToArray();
            RebalanceResult result;
            try
            {
                result = PlacementSimulation.Rebalance(before, after, k, m, level, p.GetValue(shape.Blobs));
            }
            catch (PlacementException e)
            {
                System.Console.Error.WriteLine(e.Message);
                return 1;
            }
            var data = new DataScale(p.GetValue(objects)![0], p.GetValue(mix)!, k, m);
            var moved = data.RawBytes * result.MovedFraction;
            var ontoNew = data.RawBytes * result.FragmentsOntoNewNodes / result.Fragments;
            var perNewNode = ontoNew / p.GetValue(add);
            var rateBytes = (double)p.GetValue(rate);
            var link = p.GetValue(network) * 1e9 / 8;
            var throttled = TimeSpan.FromSeconds(perNewNode / Math.Min(rateBytes, link));
            var fullLink = TimeSpan.FromSeconds(perNewNode / link);
            // Today: nothing moves when a node joins. The spread-back pass that follows each scheduled scrub would move these
            // same fragments (a fresh placement wants fewer of them on the old nodes), one blob at a time, from the one node
            // that runs repair, paced at the scrub rate for the whole store; and it comes only after a whole scrub pass.
            var scrubRate = (double)new Workers.DurabilityOptions().ScrubBytesPerSecond;
            var spreadBack = TimeSpan.FromSeconds(moved / scrubRate);
            var scrubPass = TimeSpan.FromSeconds(data.RawBytes / scrubRate);
            if (p.GetValue(json))
            {
                Json(new
                {
                    before = cluster.Nodes, added = p.GetValue(add), into = p.GetValue(into), code = $"{k}+{m}", protectionLevel = Levels[level], result,
                    movedFraction = result.MovedFraction, rawBytes = data.RawBytes, bytesMoved = moved, bytesOntoNewNodes = ontoNew, bytesPerNewNode = perNewNode,
                    rebalanceBytesPerSecond = rateBytes, throttledSeconds = throttled.TotalSeconds, fullLinkSeconds = fullLink.TotalSeconds,
                    todaySpreadBackSeconds = spreadBack.TotalSeconds, scrubPassSeconds = scrubPass.TotalSeconds, seconds = clock.Elapsed.TotalSeconds,
                });
                return result.ProtectionViolationsAfter == 0 ? 0 : 1;
            }
            var console = SimulateOutput.Console();
            Line(console, $"{cluster.Nodes} nodes × {cluster.DrivesPerNode} drives ({cluster.Zones} zones × {cluster.RacksPerZone} racks × {cluster.NodesPerRack}) + {p.GetValue(add)} nodes into {p.GetValue(into)}; {k}+{m}, protection level {Levels[level]}; {Count(result.Blobs)} blobs sampled");
            var table = Table("Fragments that move (real RendezvousPlacement before and after)", "fragments", "moved", "onto new nodes", "between old nodes", "new nodes' weight share",
                "blobs touched", "protection breaks after", "per new node (σ/mean)", "per old node after");
            Row(table, Count(result.Fragments), $"{Count(result.FragmentsMoved)} ({Percent(result.MovedFraction)})", Count(result.FragmentsOntoNewNodes), Count(result.FragmentsBetweenOldNodes),
                Percent(result.NewWeightShare), $"{Count(result.BlobsTouched)} ({Percent((double)result.BlobsTouched / result.Blobs)})", Count(result.ProtectionViolationsAfter),
                $"{Count(result.FragmentsPerNewNode.Mean)} ({Percent(result.FragmentsPerNewNode.StdDev / Math.Max(1, result.FragmentsPerNewNode.Mean))})",
                $"{Count(result.FragmentsPerOldNodeAfter.Mean)} ({Percent(result.FragmentsPerOldNodeAfter.StdDev / Math.Max(1, result.FragmentsPerOldNodeAfter.Mean))})");
            console.Write(table);
            var scale = Table($"At {Count(data.Objects)} objects of {data.Mix} (mean {Bytes(data.Mix.MeanBytes)})", "stored raw", "to move", "into each new node",
                $"at {Bytes(rateBytes)}/s per new node", $"at {Fixed(p.GetValue(network), "0.#")} Gbit/s per new node",
                $"today: spread-back, one node at {Bytes(scrubRate)}/s", "after a scrub pass of");
            Row(scale, Bytes(data.RawBytes), Bytes(moved), Bytes(perNewNode), Duration(throttled), Duration(fullLink), Duration(spreadBack), Duration(scrubPass));
            console.Write(scale);
            Line(console, $"simulated in {Fixed(clock.Elapsed.TotalSeconds)} s");
            return result.ProtectionViolationsAfter == 0 ? 0 : 1;
        });
        return command;
    }

    // ---- repair and durability ----

    /// <summary>
    /// Places the sample, then loses, each on its own, the first drive, the first node and the first rack of the map (chosen
    /// without looking at the sample, so the sample's counts are not biased towards a busy domain).
    /// </summary>
    private static (PlacedCluster Placed, List<(ScaledLoss Loss, int DrivesLost)> Losses) RunLosses(ClusterShape shape, int k, int m, int level, int blobs, DataScale data,
        double gbps, TimeSpan commit)
    {
        var settings = new SimulationSettings(shape, k, m, level, blobs, 64L << 20, gbps);
        var placed = PlacementSimulation.Place(settings);
        var losses = new List<(ScaledLoss, int)>();
        foreach (var (kind, at) in new[] { ("drive", 3), ("node", 2), ("rack", 1) })
        {
            if (at == 1 && shape.Zones * shape.RacksPerZone < 2) continue;
            var domain = placed.Drives[0].DomainAt(at);
            var drives = placed.DrivesIn(domain);
            losses.Add((ScaleModel.Scale(kind, PlacementSimulation.Lose(placed, domain, drives), placed, drives, data, gbps, commit), drives.Count));
        }
        return (placed, losses);
    }

    private static Command LossCommand(string name, string description, bool durability)
    {
        var shape = ShapeOptions.Create("rack", 10_000);
        var ec = EcOption();
        var objects = ObjectsOption();
        var mix = MixOption();
        var network = new Option<double>("--network-gbps") { Description = "Each node's network rate, Gbit/s", DefaultValueFactory = _ => 10 };
        var afr = new Option<double>("--drive-afr") { Description = "Annual failure rate of one drive (the server's default)", DefaultValueFactory = _ => ScaleModel.DefaultAfr };
        var commit = new Option<double>("--commit-ms")
        {
            Description = "One index commit (a Raft round) in today's one-blob-at-a-time repair; 5 ms is a PUT at concurrency 1 at a range leader (docs/benchmarks.md)",
            DefaultValueFactory = _ => 5,
        };
        var json = JsonOption();
        var command = new Command(name, description);
        shape.AddTo(command);
        foreach (var o in durability ? new Option[] { ec, objects, mix, network, commit, afr, json } : [ec, objects, mix, network, commit, json]) command.Options.Add(o);
        command.SetAction(p =>
        {
            if (!TryCode(p.GetValue(ec)!, out var k, out var m)) return Fail("--ec must be K+M.");
            var level = Array.IndexOf(Levels, p.GetValue(shape.Level));
            if (level < 0) return Fail("--protection-level must be zone, rack, node or drive.");
            var clock = Stopwatch.StartNew();
            var cluster = shape.Shape(p);
            var data = new DataScale(p.GetValue(objects)![0], p.GetValue(mix)!, k, m);
            PlacedCluster placed;
            List<(ScaledLoss Loss, int DrivesLost)> losses;
            try
            {
                (placed, losses) = RunLosses(cluster, k, m, level, p.GetValue(shape.Blobs), data, p.GetValue(network), TimeSpan.FromMilliseconds(p.GetValue(commit)));
            }
            catch (PlacementException e)
            {
                System.Console.Error.WriteLine(e.Message);
                return 1;
            }
            var drives = placed.Drives.Count;
            var failed = placed.ProtectionViolations > 0 || losses.Any(l => l.Loss.Sample.Unplaceable > 0);
            var console = p.GetValue(json) ? null : SimulateOutput.Console();
            console?.MarkupLine(Markup.Escape($"{cluster.Nodes} nodes × {cluster.DrivesPerNode} drives ({cluster.Zones} zones × {cluster.RacksPerZone} racks × {cluster.NodesPerRack}); {k}+{m}, protection level {Levels[level]}; {Count(placed.Settings.Blobs)} blobs sampled, scaled to {Count(data.Objects)} objects of {data.Mix}: {Count(data.Blobs)} blobs, {Bytes(data.RawBytes)} raw ({Bytes(data.RawBytes / drives)} per drive); {Fixed(p.GetValue(network), "0.#")} Gbit/s per node"));
            if (!durability)
            {
                if (p.GetValue(json))
                {
                    Json(new
                    {
                        nodes = cluster.Nodes, drives, code = $"{k}+{m}", protectionLevel = Levels[level], sampleBlobs = placed.Settings.Blobs, protectionViolations = placed.ProtectionViolations,
                        blobs = data.Blobs, rawBytes = data.RawBytes,
                        losses = losses.Select(l => new
                        {
                            kind = l.Loss.Kind, domain = l.Loss.Sample.Domain, drivesLost = l.DrivesLost, sample = l.Loss.Sample, blobsDegraded = l.Loss.BlobsDegraded, blobsLost = l.Loss.BlobsLost,
                            blobsAtMargin = l.Loss.BlobsAtMargin, fragmentBytesLost = l.Loss.FragmentBytesLost, busiestNodeBytes = l.Loss.BusiestNodeBytes,
                            designSeconds = l.Loss.DesignTime.TotalSeconds, repairerBytes = l.Loss.RepairerBytes, todayTransferSeconds = l.Loss.TodayTransferTime.TotalSeconds,
                            todayCommitSeconds = l.Loss.TodayCommitTime.TotalSeconds, todaySeconds = l.Loss.TodayTime.TotalSeconds,
                        }),
                        seconds = clock.Elapsed.TotalSeconds,
                    });
                    return failed ? 1 : 0;
                }
                var table = Table("Losses (real placement and Replacement; the first drive, node and rack of the map)", "lost", "sample: fragments, blobs (max in one)",
                    "blobs lost", "no target", "to rebuild", "blobs degraded", "at margin 0", "design: busiest node", "design: time",
                    "today: repairer link", $"today: commits at {Fixed(p.GetValue(commit), "0.#")} ms", "today: time");
                foreach (var (l, lostDrives) in losses)
                    Row(table, $"{l.Kind} ({lostDrives} drives)", $"{Count(l.Sample.FragmentsLost)}, {Count(l.Sample.BlobsDegraded)} ({l.Sample.MostFragmentsLostInOneBlob})",
                        Count(l.BlobsLost), Count(l.Sample.Unplaceable), Bytes(l.FragmentBytesLost), Count(l.BlobsDegraded), Count(l.BlobsAtMargin.GetValueOrDefault(0)),
                        Bytes(l.BusiestNodeBytes), Duration(l.DesignTime), Bytes(l.RepairerBytes), Duration(l.TodayCommitTime), Duration(l.TodayTime));
                console!.Write(table);
                Line(console, $"simulated in {Fixed(clock.Elapsed.TotalSeconds)} s");
                return failed ? 1 : 0;
            }
            var afrValue = p.GetValue(afr);
            var drive = losses.First(l => l.Loss.Kind == "drive").Loss;
            var figures = new List<DurabilityFigure>
            {
                ScaleModel.Steady("steady, design repair of a drive", data, drives, afrValue, drive.DesignTime),
                ScaleModel.Steady("steady, today's repair of a drive", data, drives, afrValue, drive.TodayTime),
            };
            foreach (var (l, lostDrives) in losses.Where(l => l.Loss.Kind != "drive"))
            {
                figures.Add(ScaleModel.During($"while a {l.Kind} is repaired, design", l, data, drives, lostDrives, afrValue, l.DesignTime));
                figures.Add(ScaleModel.During($"while a {l.Kind} is repaired, today", l, data, drives, lostDrives, afrValue, l.TodayTime));
            }
            if (p.GetValue(json))
            {
                Json(new
                {
                    nodes = cluster.Nodes, drives, code = $"{k}+{m}", protectionLevel = Levels[level], afr = afrValue, detectionHours = ScaleModel.DetectionHours, blobs = data.Blobs,
                    losses = losses.Select(l => new { kind = l.Loss.Kind, blobsLost = l.Loss.BlobsLost, blobsAtMargin = l.Loss.BlobsAtMargin, designSeconds = l.Loss.DesignTime.TotalSeconds, todaySeconds = l.Loss.TodayTime.TotalSeconds }),
                    figures, seconds = clock.Elapsed.TotalSeconds,
                });
                return failed ? 1 : 0;
            }
            var scrubRate = (double)new Workers.DurabilityOptions().ScrubBytesPerSecond;
            Line(console!, $"drive AFR {Percent(afrValue)}; repair time T = {Fixed(ScaleModel.DetectionHours, "0.#")} h detection + the simulated time to full redundancy; formulas of `admin durability` (StripeDurability, DurabilityLedger)");
            Line(console!, $"not in the model: rot found only by scrub, whose pass over {Bytes(data.RawBytes)} at {Bytes(scrubRate)}/s (one pace for the whole store) takes {Duration(TimeSpan.FromSeconds(data.RawBytes / scrubRate))}");
            var nines = Table("Annual durability", "case", "T", "store model (storeAnnualNines)", "drive model (estimatedAnnualNines)");
            foreach (var f in figures)
                Row(nines, f.Case, $"{Fixed(f.RepairHours, "0.##")} h", $"{Fixed(Math.Max(0, f.StoreNines) + 0.0)} nines",
                    f.Case.StartsWith("steady", StringComparison.Ordinal) ? $"{Fixed(Math.Max(0, f.DriveModelNines) + 0.0)} nines" : "-");
            console!.Write(nines);
            foreach (var (l, _) in losses.Where(l => l.Loss.BlobsLost > 0))
                Line(console, $"a {l.Kind} loss at this protection level loses {Count(l.BlobsLost)} blobs outright (more than {m} fragments in it)");
            Line(console, $"simulated in {Fixed(clock.Elapsed.TotalSeconds)} s");
            return failed ? 1 : 0;
        });
        return command;
    }

    public static Command Repair() => LossCommand("repair",
        "Repair after losing the busiest drive, node and rack (real placement): bytes to rebuild and time to full redundancy, distributed and as today", durability: false);

    public static Command Durability() => LossCommand("durability",
        "Annual durability in nines of the whole cluster from the simulated repair times, by the project's own durability formulas", durability: true);
}
