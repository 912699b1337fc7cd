using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Cairn.Core.Errors;

namespace Cairn.Node.Cluster;

/// <summary>What the admission answers: the node, its state now, and what happens next.</summary>
public sealed record AdmissionReport(string Node, string State, string Next);

/// <summary>
/// `cairn admin cluster admit NODE`: the operator lets a joining node in. The meta group's AdmitNode makes it up; the
/// leaders of the meta group and of every range then add it as a member (<see cref="GroupMembership"/>), and it serves
/// S3 once it is a member of every range. A node that is not joining is refused with the reason.
/// </summary>
public sealed class NodeAdmission(ClusterRuntime cluster, TimeProvider time)
{
    public async Task<AdmissionReport> AdmitAsync(string nodeId, CancellationToken cancellationToken)
    {
        if (nodeId.Length == 0) throw new S3Exception(S3ErrorCode.InvalidArgument, "Name the node to admit.");
        var map = await cluster.Meta.ReadAsync(cancellationToken).ConfigureAwait(false);
        var node = map.Node(nodeId) ?? throw new S3Exception(S3ErrorCode.InvalidArgument,
            $"No node {nodeId} in the cluster: start it with a join list of this cluster's nodes first; it then waits as joining.");
        if (node.State != NodeState.Joining) throw NotJoining(node.Id, node.State);
        try
        {
            await cluster.Meta.ExecuteAsync(new AdmitNode(nodeId) { At = time.GetUtcNow(), RequestId = $"admit/{nodeId}" }, cancellationToken).ConfigureAwait(false);
        }
        catch (MetaCommandException e) when (e.Error == MetaError.InvalidNodeState)
        {
            throw NotJoining(node.Id, cluster.Map.Node(nodeId)?.State ?? node.State);
        }
        return new AdmissionReport(nodeId, NodeState.Up.ToString(),
            $"Node {nodeId} is admitted. The leaders of the meta group and of each range now add it as a member: its replica of each range starts from a " +
            $"checkpoint of a member's store and catches up from the leader's log. It serves S3 once it is a member of every range; " +
            "`cairn admin cluster` shows it among each range's members.");
    }

    private static S3Exception NotJoining(string nodeId, NodeState state) =>
        new(S3ErrorCode.InvalidArgument, $"Node {nodeId} is {state}, not joining: only a node waiting to join can be admitted.");
}
