using Cairn.Index.Objects;

namespace Cairn.Node.Cluster;

/// <summary>
/// Counts the fragment slots that blobs' current layouts put on a node's drives: what the node still holds for the
/// store, whether it is alive or dead (its drives are not read). A fragment file no layout names (moved away, or of a
/// PUT that never committed) is not the store's, and the GC frees it. Walks every blob reference of every range, as
/// scrub does: run only when an operator removes a node.
/// </summary>
public sealed class NodeFragments(ClusterRuntime cluster, BlobBookkeeping bookkeeping) : INodeFragments
{
    public async Task<long> HeldAsync(string nodeId, CancellationToken cancellationToken)
    {
        var drives = cluster.Map.Drives.Where(d => d.NodeId == nodeId).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var held = 0L;
        await foreach (var reference in bookkeeping.ReferencesAsync(cancellationToken).ConfigureAwait(false))
            held += reference.Layout!.Drives.Count(drives.Contains);
        return held;
    }
}
