namespace Cairn.Cluster;

/// <summary>
/// The cluster-control seam: membership and the maps of drives and shards. A single node is a
/// cluster of one; the Raft-replicated implementation arrives with multi-node support.
/// </summary>
public interface IClusterMap
{
    string LocalNodeId { get; }

    IReadOnlyList<string> Nodes { get; }
}

public sealed class SingleNodeClusterMap(string nodeId) : IClusterMap
{
    public string LocalNodeId { get; } = nodeId;

    public IReadOnlyList<string> Nodes => [LocalNodeId];
}
