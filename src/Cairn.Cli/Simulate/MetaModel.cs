using System.Globalization;
using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Cairn.Consensus;
using Cairn.Consensus.Meta;
using Cairn.Core.Keys;
using Cairn.Workers;

namespace Cairn.Cli.Simulate;

/// <summary>The cluster map's size as the meta group stores it (<see cref="MetaCodec"/> JSON), and what each entry adds.</summary>
public sealed record MapSize(int Nodes, int Drives, long Ranges, long MapBytes, double BytesPerNode, double BytesPerDrive, double BytesPerRange,
    int HeartbeatCommandBytes, int SplitCommandBytes, int OutcomeBytes);

/// <summary>The meta group's write load at one cluster size, and what the apply of each heartbeat costs there.</summary>
public sealed record MetaLoad(int Nodes, double HeartbeatsPerSecond, double SplitsPerSecond, double DriveChangesPerSecond, double CommandsPerSecond,
    double LogBytesPerSecond, double SnapshotEverySeconds, double SnapshotBytes, double DedupeWindowSeconds, double ForwardingDeadlineSeconds,
    double HeartbeatApplyMicroseconds, double SplitApplyMicroseconds)
{
    /// <summary>Share of one core each meta member's apply spends on heartbeats alone (each makes a new map); apply times are CPU time.</summary>
    public double HeartbeatApplyCoreShare => HeartbeatsPerSecond * HeartbeatApplyMicroseconds / 1e6;

    /// <summary>
    /// CPU a node's placement spends rebuilding itself after a heartbeat changed the map's node list (its cache is keyed by
    /// the node list's identity): paid by every node that places a blob, once per heartbeat of any node.
    /// </summary>
    public double PlacementRebuildMicroseconds { get; init; }

    /// <summary>Share of one core every writing node spends rebuilding placement, at one rebuild per heartbeat.</summary>
    public double PlacementRebuildCoreShare => HeartbeatsPerSecond * PlacementRebuildMicroseconds / 1e6;
}

/// <summary>
/// The meta group at scale: a real <see cref="ClusterMap"/> of the given nodes, drives and ranges is built (nodes by the
/// real Bootstrap apply, drives and ranges as the apply would record them), encoded with <see cref="MetaCodec"/> and
/// weighed; the real <see cref="MetaStateMachine.Apply"/> of a Heartbeat and a SplitRange is timed on it. The write rate is
/// a stated model: each node's heartbeat every <see cref="Node.Cluster.ClusterOptions.HeartbeatInterval"/> (one log entry
/// each: the meta group does not batch), range splits at the rate objects arrive, and drive failures and replacements at
/// the drive AFR.
/// </summary>
public static class MetaModel
{
    /// <summary>Request-id outcomes a meta member remembers (MetaState.RememberedRequests, internal to Cairn.Consensus).</summary>
    public const int RememberedRequests = 10_000;

    public static ClusterMap BuildMap(int nodes, int drivesPerNode, long ranges, int racks = 10, int replicas = ClusterMap.DefaultReplicationFactor,
        int bucketBytes = 12, int keyBytes = 48)
    {
        var at = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);
        var specs = Enumerable.Range(1, nodes).Select(i => new NodeSpec(Id(i),
            string.Create(CultureInfo.InvariantCulture, $"10.{i / 62500}.{i / 250 % 250}.{i % 250}:9000"),
            string.Create(CultureInfo.InvariantCulture, $"10.{i / 62500}.{i / 250 % 250}.{i % 250}:7100"),
            string.Create(CultureInfo.InvariantCulture, $"z0/z0-r{(i - 1) % racks}/{Id(i)}"))).ToArray();
        var map = MetaStateMachine.Apply(ClusterMap.Empty, new Bootstrap(specs, replicas) { At = at });
        // The meta group is its first members (3 or 5), not every node; later heartbeats give each node its own time.
        map = map with
        {
            MetaMembers = map.MetaMembers.Take(Math.Min(5, nodes)).ToArray(),
            Nodes = map.Nodes.Select((n, i) => n with { LastHeartbeat = at.AddMilliseconds(i * 7.3) }).ToArray(),
        };
        var drives = map.Nodes.SelectMany(n => Enumerable.Range(0, drivesPerNode).Select(d =>
            new ClusterDrive($"{n.Id}-d{d}", n.Id, $"{n.Domain}/{n.Id}-d{d}", 1.0, "hot", DriveState.Up))).OrderBy(d => d.Id, StringComparer.Ordinal).ToArray();
        map = map with { Drives = drives };
        if (ranges <= 1) return map;
        var bucket = ("bucket" + new string('x', Math.Max(0, bucketBytes - 6)))[..Math.Max(3, bucketBytes)];
        var cuts = Enumerable.Range(1, (int)ranges - 1)
            .Select(i => RangeKeys.Point(bucket, string.Create(CultureInfo.InvariantCulture, $"key-{i:D9}-").PadRight(keyBytes, 'x'))).ToArray();
        var random = new Random(3);
        var descriptors = new RangeDescriptor[ranges];
        for (var r = 0; r < ranges; r++)
        {
            var members = Enumerable.Range(0, replicas).Select(j => Id(1 + (r * replicas + j) % nodes)).ToArray();
            descriptors[r] = new RangeDescriptor(r + 1, r == 0 ? [] : cuts[r - 1], r == ranges - 1 ? null : cuts[r], members, 1 + random.Next(30));
        }
        return map with { Ranges = descriptors, NextGroupId = ranges + 1 };
    }

    private static string Id(int i) => string.Create(CultureInfo.InvariantCulture, $"n{i}");

    /// <summary>The map's size at <paramref name="nodes"/> × <paramref name="drivesPerNode"/> with <paramref name="ranges"/> ranges, and each entry's share.</summary>
    public static MapSize Size(int nodes, int drivesPerNode, long ranges)
    {
        var full = MetaCodec.Encode(BuildMap(nodes, drivesPerNode, ranges)).Length;
        var oneRange = MetaCodec.Encode(BuildMap(nodes, drivesPerNode, 1)).Length;
        var noDrives = MetaCodec.Encode(BuildMap(nodes, 0, 1)).Length;
        var oneNode = MetaCodec.Encode(BuildMap(1, 0, 1)).Length;
        var at = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);
        var heartbeat = MetaCodec.Encode(new Heartbeat(Id(nodes)) { At = at, RequestId = Guid.NewGuid().ToString("N") }).Length;
        var split = MetaCodec.Encode(new SplitRange(ranges, "bucketxxxxxx", "key-000000001-".PadRight(48, 'x'), 17) { At = at, RequestId = $"split/g{ranges}/17" }).Length;
        // A remembered outcome as the snapshot file holds it: {"RequestId":"…","Outcome":{…}}.
        var outcome = "{\"RequestId\":\"\",\"Outcome\":},".Length + 32 + new MetaOutcome(123_456_789).Encode().Length;
        return new MapSize(nodes, nodes * drivesPerNode, ranges, full,
            nodes > 1 ? (double)(noDrives - oneNode) / (nodes - 1) : noDrives,
            drivesPerNode > 0 ? (double)(oneRange - noDrives) / (nodes * drivesPerNode) : 0,
            ranges > 1 ? (double)(full - oneRange) / (ranges - 1) : 0,
            heartbeat, split, outcome);
    }

    /// <summary>
    /// The meta group's load at <paramref name="nodes"/> nodes holding <paramref name="ranges"/> ranges of
    /// <paramref name="objectsPerRange"/> objects on average, objects arriving at <paramref name="ingestPerSecond"/>.
    /// </summary>
    public static MetaLoad Load(int nodes, int drivesPerNode, long ranges, double objectsPerRange, double ingestPerSecond, double driveAfr, MapSize size,
        TimeSpan? minimumCpu = null)
    {
        var heartbeats = nodes / RangeModel.Defaults.HeartbeatInterval.TotalSeconds;
        // Ranges grow with the objects: one split for every objectsPerRange new objects (range count ∝ objects).
        var splits = objectsPerRange > 0 ? ingestPerSecond / objectsPerRange : 0;
        // A failed drive is marked down, and its replacement added: two commands per failure.
        var driveChanges = 2 * nodes * drivesPerNode * driveAfr / (StripeDurability.HoursPerYear * 3600);
        var commands = heartbeats + splits + driveChanges;
        var logBytes = heartbeats * size.HeartbeatCommandBytes + splits * size.SplitCommandBytes;
        var map = BuildMap(nodes, drivesPerNode, ranges);
        var at = new DateTimeOffset(2026, 11, 29, 12, 0, 1, TimeSpan.Zero);
        // CPU time (CpuClock): other work on the machine does not inflate it.
        var heartbeatMicros = CpuClock.PerRepetition(i => MetaStateMachine.Apply(map, new Heartbeat(Id(1 + i % nodes)) { At = at.AddMilliseconds(i) }),
            minimumCpu ?? TimeSpan.FromMilliseconds(200)).Cpu.TotalMicroseconds;
        var splitMicros = CpuClock.PerRepetition(i =>
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"key-{i * 7919L % Math.Max(1, ranges):D9}-").PadRight(48, 'y');
            var range = map.RangeAt(RangeKeys.Point("bucketxxxxxx", key));
            MetaStateMachine.Apply(map, new SplitRange(range.GroupId, "bucketxxxxxx", key) { At = at });
        }, minimumCpu ?? TimeSpan.FromMilliseconds(200)).Cpu.TotalMicroseconds;
        // Every node's placement (ClusterPlacement) is rebuilt when the map's node list changes, and every heartbeat makes a
        // new one: the cost of a Place right after a heartbeat, less the heartbeat's own apply.
        var current = map;
        var placement = new Node.Cluster.ClusterPlacement(() => current, tier: null, protectionLevel: 2);
        var heartbeatAndPlace = CpuClock.PerRepetition(i =>
        {
            current = MetaStateMachine.Apply(map, new Heartbeat(Id(1 + i % nodes)) { At = at.AddMilliseconds(i) });
            placement.Place(string.Create(CultureInfo.InvariantCulture, $"blob-{i:x8}"), 8, 4);
        }, minimumCpu ?? TimeSpan.FromMilliseconds(200)).Cpu.TotalMicroseconds;
        var placeOnly = CpuClock.PerRepetition(i => placement.Place(string.Create(CultureInfo.InvariantCulture, $"blob-{i:x8}"), 8, 4),
            minimumCpu ?? TimeSpan.FromMilliseconds(200)).Cpu.TotalMicroseconds;
        var snapshotBytes = (double)size.MapBytes + RememberedRequests * size.OutcomeBytes;
        return new MetaLoad(nodes, heartbeats, splits, driveChanges, commands, logBytes, Raft.SnapshotInterval / commands, snapshotBytes,
            RememberedRequests / commands, new RangeForwardingOptions().Deadline.TotalSeconds, heartbeatMicros, splitMicros)
        {
            PlacementRebuildMicroseconds = Math.Max(0, heartbeatAndPlace - heartbeatMicros - placeOnly),
        };
    }

    private static RangeReplicaOptions Raft => RangeModel.Raft;
}
