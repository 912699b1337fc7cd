using System.Net;
using Cairn.Consensus;
using Cairn.Node.Cluster;
using Cairn.Transport;
using DotNext.Net.Cluster.Consensus.Raft;

namespace Cairn.Cli.Simulate;

/// <summary>The order keys arrive in: at random points of the key space, or each after the last (time-stamped names).</summary>
public enum KeyOrder { Random, Ascending }

/// <summary>How many ranges a key space of <see cref="Objects"/> objects ends up cut into, and how full they are.</summary>
public sealed record RangeGrowth(long Objects, long SplitObjects, KeyOrder Order, long Ranges, double MeanObjects, double MinObjects, double MaxObjects, int SimulatedThreshold)
{
    /// <summary>For random keys: the lowest and highest fill over one doubling of the store around <see cref="Objects"/> (<see cref="RangeModel.FillSwing"/>).</summary>
    public (double Low, double High)? FillSwing { get; init; }

    /// <summary>
    /// Request-outcome rows held in the end per object written once: each write leaves one in its range, and every later
    /// split of that range keeps it in both halves, so it is held by every range descended from the one it was written in.
    /// </summary>
    public double OutcomeCopiesPerObject { get; init; }


    /// <summary>Mean objects per range over the split threshold.</summary>
    public double Fill => MeanObjects / SplitObjects;
}

/// <summary>What the Raft groups of the index cost one node: groups, heartbeats, connections, stores and the split check.</summary>
public sealed record GroupLoad(string Placement, int Nodes, int NodesHoldingRanges, long Ranges, int Replicas, double GroupsPerNode, double LedPerNode,
    double HeartbeatMilliseconds, double HeartbeatMessagesPerSecond, double RaftConnections, double MemtableBytesCeiling, double IndexBytesPerNode,
    double SplitCheckRowsPerPass, double SplitCheckSecondsPerPass, double SplitCheckIntervalSeconds)
{
    /// <summary>Bytes of keys and values the split check reads per pass (every object row of every range the node leads).</summary>
    public double SplitCheckBytesPerPass { get; init; }

    /// <summary>Share of one core the split check keeps busy (its pass over the ranges a node leads, every interval).</summary>
    public double SplitCheckCoreShare => SplitCheckIntervalSeconds <= 0 ? 0 : SplitCheckSecondsPerPass / SplitCheckIntervalSeconds;
}

/// <summary>
/// The index at scale: how ranges grow and split (the splitter's rule: a range holding more objects than the threshold splits
/// at its middle key) and what the resulting Raft groups cost each node. Settings are the code's own defaults.
/// </summary>
public static class RangeModel
{
    /// <summary>The cluster defaults (<see cref="ClusterOptions"/>): split threshold, split check interval, node heartbeat.</summary>
    public static ClusterOptions Defaults { get; } = new()
    {
        NodeId = "n1", ClusterAddress = "127.0.0.1:7100", Join = [], Secret = ClusterSecret.FromText("simulation-secret-0000"),
    };

    /// <summary>Each range group's Raft settings (<see cref="RangeReplicaOptions"/>: election timeouts, snapshot interval).</summary>
    public static RangeReplicaOptions Raft { get; } = new();

    /// <summary>
    /// How often a Raft leader sends each follower AppendEntries when it has nothing to replicate: DotNext's heartbeat
    /// threshold (its default, as Cairn leaves it) times the lower election timeout Cairn sets.
    /// </summary>
    public static double HeartbeatMilliseconds { get; } =
        new RaftCluster.TcpConfiguration(new IPEndPoint(IPAddress.Loopback, 0)) { ConfigurationStorage = null }.HeartbeatThreshold * Raft.LowerElectionTimeoutMs;

    /// <summary>
    /// Inserts <paramref name="objects"/> keys one at a time and splits a range at its middle key whenever it holds more
    /// than <paramref name="splitObjects"/>. Random keys land in a range with probability proportional to the keys it holds
    /// (the chance a new random key falls between two of n sorted ones is uniform over the gaps); ascending keys all land
    /// in the last range. The fill does not depend on scale, so the growth is simulated with the threshold scaled down to
    /// <paramref name="simulatedThreshold"/> (by default 1,000, less for stores beyond 10⁹ objects) and the object count with it,
    /// and the sizes scaled back.
    /// </summary>
    public static RangeGrowth Grow(long objects, long splitObjects, KeyOrder order, int? simulatedThreshold = null, int seed = 1)
    {
        if (splitObjects <= 0) return new RangeGrowth(objects, splitObjects, order, 1, objects, objects, objects, 0) { OutcomeCopiesPerObject = 1 };
        // At most about 4 million simulated inserts (a second or so): the threshold goes down from 1,000 as far as 100 for large stores.
        var threshold = (int)Math.Min(splitObjects, simulatedThreshold ?? SimulatedThreshold(objects, splitObjects));
        var scale = (double)splitObjects / threshold;
        var inserts = (long)Math.Round(objects / scale);
        var capacity = (int)Math.Min(int.MaxValue - 1, inserts / Math.Max(1, threshold / 2) + 2);
        var counts = new int[capacity];
        // Request-outcome rows each range holds: one per object written into it, and a split copies them all into both
        // halves (ShardSplit.Trim keeps the S rows on each side; nothing expires them).
        var outcomes = new long[capacity];
        var ranges = 1;
        if (order == KeyOrder.Ascending)
        {
            for (long i = 0; i < inserts; i++)
            {
                outcomes[ranges - 1]++;
                if (++counts[ranges - 1] <= threshold) continue;
                var whole = counts[ranges - 1];
                counts[ranges - 1] = whole / 2;
                outcomes[ranges] = outcomes[ranges - 1];
                counts[ranges++] = whole - whole / 2;
            }
        }
        else
        {
            var tree = new Fenwick(capacity);
            var random = new Random(seed);
            for (long i = 0; i < inserts; i++)
            {
                var at = i == 0 ? 0 : tree.Find(random.NextInt64(i));
                counts[at]++;
                outcomes[at]++;
                tree.Add(at, 1);
                if (counts[at] <= threshold) continue;
                var whole = counts[at];
                counts[at] = whole / 2;
                counts[ranges] = whole - whole / 2;
                outcomes[ranges] = outcomes[at];
                tree.Add(at, -(whole - whole / 2));
                tree.Add(ranges, whole - whole / 2);
                ranges++;
            }
        }
        int min = int.MaxValue, max = 0;
        foreach (var c in counts.AsSpan(0, ranges)) { min = Math.Min(min, c); max = Math.Max(max, c); }
        long held = 0;
        foreach (var o in outcomes.AsSpan(0, ranges)) held += o;
        return new RangeGrowth(objects, splitObjects, order, ranges, (double)objects / ranges, min * scale, max * scale, threshold)
        {
            OutcomeCopiesPerObject = inserts == 0 ? 0 : (double)held / inserts,
        };
    }

    /// <summary>The threshold <see cref="Grow"/> simulates with by default: 1,000, lowered (not below 100) to keep to about 4 million inserts.</summary>
    public static int SimulatedThreshold(long objects, long splitObjects) => (int)Math.Clamp(4e6 * splitObjects / Math.Max(1, objects), 100, 1000);

    /// <summary>
    /// With random keys the fill does not settle: ranges born in the same generation reach the threshold together and split
    /// together, so the mean fill swings as the store doubles (splitting nodes of large capacity are known to behave so:
    /// "phase changes" of m-ary search trees past m = 26). The lowest and highest fill over one doubling, sampled at
    /// <paramref name="points"/> object counts from <paramref name="objects"/> up.
    /// </summary>
    public static (double Low, double High) FillSwing(long objects, long splitObjects, int points = 6)
    {
        // One simulated threshold for every point: the swing's depth depends on it.
        var threshold = SimulatedThreshold(objects, splitObjects);
        var fills = Enumerable.Range(0, points)
            .Select(i => Grow((long)(objects * Math.Pow(2, (double)i / points)), splitObjects, KeyOrder.Random, threshold, seed: 1 + i).Fill)
            .ToArray();
        return (fills.Min(), fills.Max());
    }

    /// <summary>
    /// The groups' cost per node. <paramref name="spread"/>: every range's replicas spread evenly over the nodes and
    /// leadership spread evenly too (the design); otherwise as the code is today: a split's new range keeps its old range's
    /// members and nothing moves replicas, so every range stays on the <paramref name="replicas"/> nodes the first range
    /// was bootstrapped on (each then leads a third of them: leadership spread).
    /// </summary>
    public static GroupLoad Load(int nodes, long ranges, int replicas, double indexBytesPerObject, double objectRowsPerObject, long objects,
        double splitScanRowsPerSecond, bool spread, double objectRowBytesPerObject = 0)
    {
        var holding = spread ? nodes : Math.Min(nodes, replicas);
        var groups = (double)ranges * replicas / holding;
        var led = (double)ranges / holding;
        var rounds = 1000 / HeartbeatMilliseconds;
        // A leader sends every follower an AppendEntries each heartbeat and gets a reply; a follower gets one and replies.
        var messages = 2 * rounds * ((replicas - 1) * led + (groups - led));
        // Each group's member opens its own connection to each peer it sends to (no coalescing across groups): the leader
        // to its followers; the follower's side is the same connection, counted at the leader.
        var connections = (replicas - 1) * led + (groups - led);
        // RocksDB memtables of each range store: 16 MiB, at most two (IndexStore), filled only by writes.
        var memtables = groups * 2 * 16.0 * 1024 * 1024;
        var indexBytes = objects * indexBytesPerObject * replicas / holding;
        // The leader of each range it leads counts its objects every check (the row estimate passes once a range holds
        // more rows than the threshold, i.e. from about threshold / rows-per-object objects on: every range after its first split).
        var rowsPerPass = led * objects / ranges * objectRowsPerObject;
        var secondsPerPass = splitScanRowsPerSecond > 0 ? rowsPerPass / splitScanRowsPerSecond : 0;
        return new GroupLoad(spread ? "design: replicas spread over every node" : "today: splits keep their members", nodes, holding, ranges, replicas, groups, led,
            HeartbeatMilliseconds, messages, connections, memtables, indexBytes, rowsPerPass, secondsPerPass, Defaults.SplitCheckInterval.TotalSeconds)
        {
            SplitCheckBytesPerPass = led * objects / ranges * objectRowBytesPerObject,
        };
    }

    /// <summary>A Fenwick tree of counts: add to one slot, find the slot holding the n-th unit (0-based) in log time.</summary>
    private sealed class Fenwick(int size)
    {
        private readonly long[] tree = new long[size + 1];
        private readonly int top = 1 << (int)Math.Floor(Math.Log2(Math.Max(1, size)));

        public void Add(int slot, long delta)
        {
            for (var i = slot + 1; i <= size; i += i & -i) tree[i] += delta;
        }

        public int Find(long unit)
        {
            var at = 0;
            for (var step = top; step > 0; step >>= 1)
            {
                var next = at + step;
                if (next <= size && tree[next] <= unit)
                {
                    at = next;
                    unit -= tree[next];
                }
            }
            return at;
        }
    }
}
