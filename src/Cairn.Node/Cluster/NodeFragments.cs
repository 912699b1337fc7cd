using Cairn.Index.Objects;

namespace Cairn.Node.Cluster;

/// <summary>
/// Counts, drive by drive, the fragments on a node that a blob's current layout still names at their slot: a fragment no
/// layout names there (moved away, or of a PUT that never committed) is not the store's, and the GC frees it. Lists every
/// fragment of the node's drives and reads each blob's reference: slow, and run only when an operator removes a node.
/// </summary>
public sealed class NodeFragments(ClusterRuntime cluster, BlobBookkeeping bookkeeping) : INodeFragments
{
    public async Task<long> HeldAsync(string nodeId, CancellationToken cancellationToken)
    {
        var held = 0L;
        foreach (var drive in cluster.Map.Drives.Where(d => d.NodeId == nodeId))
        {
            if (!cluster.Drives.TryGetValue(drive.Id, out var store)) continue;
            await foreach (var fragment in store.ListAsync(cancellationToken).ConfigureAwait(false))
                if (await bookkeeping.ReferenceAsync(fragment.BlobId, cancellationToken).ConfigureAwait(false) is { Layout: { } layout }
                    && fragment.Slot < layout.Drives.Count && layout.Drives[fragment.Slot] == drive.Id)
                    held++;
        }
        return held;
    }
}
