using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Cairn.Core.Errors;
using Cairn.Workers;

namespace Cairn.Node.Cluster;

/// <summary>What a drain or a removal answers: the node, its state now, and what happens next (or what still holds it).</summary>
public sealed record DepartureReport(string Node, string State, string Next);

/// <summary>
/// `cairn admin cluster drain NODE` and `remove NODE`: the operator takes a node out of the cluster without ever leaving
/// a range, the meta group or a stripe short. Draining (the meta group's <see cref="DrainNode"/>) stops new fragments and
/// replicas going to the node; its leaderships leave first, then each range's leader adds a replacement before it removes
/// the node's replica (<see cref="GroupMembership"/>), and the meta group lets it go last. Removal
/// (<see cref="RemoveNode"/>) is refused, with what still holds the node, until it is a member of nothing and its drives
/// hold no fragment a layout names (<see cref="IEvacuation"/>: one walk of every blob's layout, so it works for a dead node too).
/// </summary>
public sealed class NodeDeparture(ClusterRuntime cluster, IEvacuation evacuation, TimeProvider time)
{
    public async Task<DepartureReport> DrainAsync(string nodeId, CancellationToken cancellationToken)
    {
        var node = await NodeAsync(nodeId, cancellationToken).ConfigureAwait(false);
        if (!node.Leaving) await ExecuteAsync(new DrainNode(nodeId) { At = time.GetUtcNow(), RequestId = $"drain/{nodeId}/{Guid.NewGuid():N}" }, cancellationToken).ConfigureAwait(false);
        return new DepartureReport(nodeId, (cluster.Map.Node(nodeId)?.State ?? NodeState.Draining).ToString(),
            $"Node {nodeId} is draining: no new fragment or replica goes to it, it gives up its leaderships, each range's leader adds a replacement " +
            $"before it removes the node's replica, and its fragments are copied to other drives before they leave it. `cairn admin cluster` shows " +
            $"what it still holds; once it holds nothing, `cairn admin cluster remove {nodeId}`.");
    }

    public async Task<DepartureReport> RemoveAsync(string nodeId, CancellationToken cancellationToken)
    {
        var node = await NodeAsync(nodeId, cancellationToken).ConfigureAwait(false);
        if (node.State == NodeState.Removed) return Removed(nodeId);
        if (!node.Leaving) throw new S3Exception(S3ErrorCode.InvalidArgument, $"Node {nodeId} is {node.State}: drain it first (`cairn admin cluster drain {nodeId}`).");
        var drives = cluster.Map.Drives.Where(d => d.NodeId == nodeId).Select(d => d.Id).ToArray();
        var held = drives.Length == 0 ? 0 : (await evacuation.StatusAsync(drives, cancellationToken).ConfigureAwait(false)).Sum(d => d.FragmentsRemaining);
        if (held > 0)
            throw new S3Exception(S3ErrorCode.OperationAborted, $"Node {nodeId} still holds {held} fragment(s) that layouts name: wait until its drives are evacuated.");
        try
        {
            await ExecuteAsync(new RemoveNode(nodeId) { At = time.GetUtcNow(), RequestId = $"remove/{nodeId}/{Guid.NewGuid():N}" }, cancellationToken).ConfigureAwait(false);
        }
        catch (MetaCommandException e) when (e.Error == MetaError.StillAMember)
        {
            throw new S3Exception(S3ErrorCode.OperationAborted, $"{e.Message} Its replicas move first: try again once `cairn admin cluster` shows it in no group.");
        }
        return Removed(nodeId);
    }

    private static DepartureReport Removed(string nodeId) =>
        new(nodeId, NodeState.Removed.ToString(), $"Node {nodeId} is removed: it holds nothing the cluster needs; stop its process and retire its drives.");

    private async Task<ClusterNode> NodeAsync(string nodeId, CancellationToken cancellationToken)
    {
        if (nodeId.Length == 0) throw new S3Exception(S3ErrorCode.InvalidArgument, "Name the node.");
        var map = await cluster.Meta.ReadAsync(cancellationToken).ConfigureAwait(false);
        return map.Node(nodeId) ?? throw new S3Exception(S3ErrorCode.InvalidArgument, $"No node {nodeId} in the cluster.");
    }

    /// <summary>
    /// Each call has its own request id (kept across the retries inside it): the apply answers a repeated id with its first
    /// outcome, so an id shared by calls would repeat a refusal after its cause is gone.
    /// </summary>
    private async Task ExecuteAsync(MetaCommand command, CancellationToken cancellationToken)
    {
        try
        {
            await cluster.Meta.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (MetaCommandException e) when (e.Error is MetaError.InsufficientNodes or MetaError.InvalidNodeState)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, e.Message);
        }
    }
}
