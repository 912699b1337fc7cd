using Cairn.Core.Keys;
using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Cairn.Consensus;
using Cairn.Data.Drives;
using Cairn.Index.Shards;
using Cairn.Node.Cluster;
using Cairn.Workers;

namespace Cairn.Node.Admin;

/// <summary>
/// `cairn admin cluster`: the nodes (state, addresses, failure domain, drives, bytes) and the ranges (key span,
/// members, leader, this node's applied index, size on disk) as the answering node sees them.
/// </summary>
public sealed class ClusterStatus(ClusterRuntime? cluster, IReadOnlyDictionary<string, IFragmentStore> drives, ServerInfo server,
    IWorkOwnership ownership, ScrubAndRepair scrubber, IndexRouter index, FragmentMover mover, IEvacuation evacuation)
{
    public async Task<AdminCluster> ReportAsync(CancellationToken cancellationToken)
    {
        var work = await WorkAsync(cancellationToken).ConfigureAwait(false);
        if (cluster is null)
        {
            // A store alone: one node holding every drive and the whole key space.
            var local = new AdminClusterNode("local", "Up", "", "", "", Drives(drives.Values), drives.Values.Sum(d => Used(d.Stats())));
            return new AdminCluster("local", [local], [new AdminRange("local", "", null, ["local"], "local", null, null, DirectoryBytes(Path.Combine(server.DataPath, "index")))],
                work);
        }
        var map = cluster.Map;
        var nodes = map.Nodes.Select(n =>
        {
            var own = map.Drives.Where(d => d.NodeId == n.Id).Select(d => drives.GetValueOrDefault(d.Id)).OfType<IFragmentStore>().ToArray();
            return new AdminClusterNode(n.Id, n.State.ToString(), n.S3Address, n.ClusterAddress, n.Domain, Drives(own), own.Sum(d => Used(d.Stats())))
            {
                Leaving = n.Leaving,
                MetaMember = map.MetaMembers.Contains(n.Id),
                Replicas = map.Ranges.Count(r => r.Members.Contains(n.Id)),
            };
        }).ToArray();
        var ranges = map.Ranges.Select(r =>
        {
            var replica = cluster.Replica(ClusterRuntime.GroupName(r.GroupId));
            return new AdminRange(ClusterRuntime.GroupName(r.GroupId), RangeKeys.Show(r.Start), r.End is null ? null : RangeKeys.Show(r.End), r.Members,
                replica is null ? null : LeaderOf(map, r, replica), replica?.AppliedIndex, replica?.SnapshotIndex,
                replica is null ? null : DirectoryBytes(Path.Combine(server.DataPath, "ranges", ClusterRuntime.GroupName(r.GroupId))))
            {
                Change = MembershipPlan.ForRange(map, r) is { } change ? $"{(change is AddMember ? "adding" : "removing")} {change.NodeId}: {change.Why}" : null,
            };
        }).ToArray();
        return new AdminCluster(cluster.Options.NodeId, nodes, ranges, work)
        {
            MetaChange = MembershipPlan.ForMeta(map) is { } meta ? $"{(meta is AddMember ? "adding" : "removing")} {meta.NodeId}: {meta.Why}" : null,
        };
    }

    /// <summary>
    /// What this node is doing for the store: the ranges whose work it runs, whether it runs repair, whether a scrub or repair
    /// runs now, the mover's pass, and how many fragments each draining drive still holds (one walk of the layouts).
    /// </summary>
    private async Task<AdminWork> WorkAsync(CancellationToken cancellationToken)
    {
        var map = cluster?.Map;
        var draining = map?.Drives.Where(d => ClusterPlacement.IsDraining(map, d)).Select(d => d.Id).ToArray() ?? [];
        var evacuations = draining.Length == 0 ? [] : await evacuation.StatusAsync(draining, cancellationToken).ConfigureAwait(false);
        return new AdminWork(
            index.Ranges.Where(r => r.Shard is { } shard && ownership.Tends(shard)).Select(r => cluster is null ? "local" : r.Name).ToArray(),
            ownership.RunsRepair, scrubber.IsRunning,
            map?.Drives.Where(d => !ClusterDriveAvailability.IsAvailable(map, d)).Select(d => d.Id).ToArray() ?? drives.Values.Where(d => !d.IsOnline).Select(d => d.DriveId).ToArray(),
            mover.Progress.Report(),
            evacuations.Select(e => new AdminEvacuation(e.DriveId, map!.Drive(e.DriveId)?.NodeId ?? "", e.FragmentsRemaining, e.BytesRemaining, e.Evacuated)).ToArray());
    }

    /// <summary>The node a drive belongs to: its node in the cluster map, or <c>local</c> for a store alone.</summary>
    public string NodeOf(string driveId) => cluster is null ? "local" : cluster.Map.Drive(driveId)?.NodeId ?? "";

    private static string? LeaderOf(ClusterMap map, RangeDescriptor range, RangeReplica replica) =>
        replica.Leader is not { } leader ? null
            : range.Members.FirstOrDefault(m => ClusterRuntime.ClusterEndPoint(map.Node(m)!).ToString() == leader.ToString());

    /// <summary>Each drive as its node last reported it (a remote drive's stats come from its owner), with its census.</summary>
    private static AdminClusterDrive[] Drives(IEnumerable<IFragmentStore> drives) =>
        drives.Select(d => d.Stats()).Select(s => new AdminClusterDrive(s.DriveId, s.Online ? "online" : "offline", s.TotalBytes, s.FreeBytes)
        {
            Path = s.Path, Fragments = s.Census?.Fragments, FragmentBytes = s.Census?.Bytes, CountedAt = s.Census?.At,
        }).ToArray();

    private static long Used(DriveStats stats) => stats.Online ? stats.TotalBytes - stats.FreeBytes : 0;

    private static long DirectoryBytes(string path) =>
        Directory.Exists(path) ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;
}

/// <param name="Path">The drive's folder on its node; for another node's drive, the address its stats come from.</param>
public sealed record AdminClusterDrive(string Id, string State, long TotalBytes, long FreeBytes)
{
    public string Path { get; init; } = "";

    /// <summary>Fragments the drive held at its last full listing (its node's orphan sweep: at start and every --gc-interval); null before one.</summary>
    public long? Fragments { get; init; }

    public long? FragmentBytes { get; init; }

    /// <summary>When that listing ended.</summary>
    public DateTimeOffset? CountedAt { get; init; }
}

/// <param name="Leaving">The operator drained it: its replicas, leaderships and fragments are moving away.</param>
/// <param name="Replicas">How many ranges it holds a replica of.</param>
public sealed record AdminClusterNode(string Id, string State, string S3Address, string ClusterAddress, string Domain, AdminClusterDrive[] Drives, long UsedBytes)
{
    public bool Leaving { get; init; }
    public bool MetaMember { get; init; }
    public int Replicas { get; init; }
}

/// <summary>A range as the answering node sees it: its leader, and this node's applied and snapshot index when it is a member.</summary>
public sealed record AdminRange(string Group, string Start, string? End, IReadOnlyList<string> Members, string? Leader, long? AppliedIndex, long? SnapshotIndex, long? Bytes)
{
    /// <summary>The membership change the range's leader makes next (a replica moving), or null when its members are as they should be.</summary>
    public string? Change { get; init; }
}

/// <param name="RangesTended">The ranges whose free queue and lifecycle this node runs: those its replicas lead.</param>
/// <param name="RunsRepair">This node runs scrub, repair and spread-back for the store (its replica leads the first range).</param>
/// <param name="RepairRunning">A scrub or repair pass runs on this node now.</param>
/// <param name="DrivesToRepairFrom">Drives whose fragments are being (or will be) rebuilt elsewhere: down, or on a down node.</param>
/// <param name="Moves">The fragment mover's current or last pass on this node (evacuation, spread-back, rebalance).</param>
/// <param name="Draining">Each draining drive (the drive's or its node's state) and the fragments the index still places on it.</param>
public sealed record AdminWork(string[] RangesTended, bool RunsRepair, bool RepairRunning, string[] DrivesToRepairFrom, MoveReport Moves, AdminEvacuation[] Draining);

/// <summary>A draining drive: what is left on it; <paramref name="Evacuated"/> once no referenced fragment is.</summary>
public sealed record AdminEvacuation(string Drive, string Node, long FragmentsRemaining, long BytesRemaining, bool Evacuated);

public sealed record AdminCluster(string Node, AdminClusterNode[] Nodes, AdminRange[] Ranges, AdminWork Work)
{
    /// <summary>The meta group's next membership change, or null.</summary>
    public string? MetaChange { get; init; }
}
