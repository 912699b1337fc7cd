using Cairn.Index.Shards;

namespace Cairn.Workers;

/// <summary>
/// Which background work runs on this node, so that each piece runs once for the store, not once per node:
/// <list type="bullet">
/// <item>work on a range's rows — draining its free queue, lifecycle over its keys — on the node whose replica leads
/// the range: the only node that can commit the range's commands (a deposed leader's late commands are refused by
/// Raft, its term being the fence), and the work spreads over the nodes as the leaderships do;</item>
/// <item>a drive's orphan sweep on the drive's own node: no fragment listing crosses the network;</item>
/// <item>scrub, repair and spread-back once for the store, on the meta group's leader — the node that marks nodes down
/// decides their repair, its leadership a lease the group's quorum grants: a copied blob is referenced from the ranges
/// of both keys, and one repairer keeps two nodes from rebuilding the same blob at once and the durability ledger in
/// one place.</item>
/// </list>
/// A single node runs all of it.
/// </summary>
public interface IWorkOwnership
{
    /// <summary>Whether this node runs the background work on the range's rows now.</summary>
    bool Tends(IIndexShard range);

    /// <summary>Whether this node sweeps the drive for orphans.</summary>
    bool SweepsDrive(string driveId);

    /// <summary>Whether this node runs scrub, repair and spread-back for the store now.</summary>
    bool RunsRepair { get; }
}

/// <summary>A node alone: it owns all of its work.</summary>
public sealed class SoleOwner : IWorkOwnership
{
    public bool Tends(IIndexShard range) => true;

    public bool SweepsDrive(string driveId) => true;

    public bool RunsRepair => true;
}
