using System.Text.Json;

namespace Cairn.Node.Cluster;

/// <summary>One drive as its node describes it to the others at bootstrap.</summary>
public sealed record DriveDescription(string Id, string Domain, double Weight, string Tier);

/// <summary>
/// What a node tells the others at bootstrap (<c>GET /cluster/v1/node</c> on its cluster port): who it is,
/// where it serves S3 and cluster traffic, its failure-domain path, its drives, and the join list it was
/// started with — nodes started with different lists refuse to bootstrap together.
/// </summary>
public sealed record NodeDescription(string Id, string S3Address, string ClusterAddress, string Domain, IReadOnlyList<string> Join,
    IReadOnlyList<DriveDescription> Drives)
{
    public const string Route = "/cluster/v1/node";

    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this, JsonSerializerOptions.Web);

    public static NodeDescription Decode(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize<NodeDescription>(bytes, JsonSerializerOptions.Web) ?? throw new InvalidDataException("An empty node description.");
}
