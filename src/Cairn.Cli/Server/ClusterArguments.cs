using Cairn.Node.Cluster;
using Cairn.Transport;

namespace Cairn.Cli.Server;

/// <summary>
/// The cluster flags of `cairn server`: all of --node-id, --cluster-address and --join, or none. A join list naming this
/// node's own cluster address bootstraps a cluster with the nodes it names; one that does not joins the running cluster
/// those nodes belong to.
/// </summary>
public static class ClusterArguments
{
    public const string SecretVariable = "CAIRN_CLUSTER_SECRET";

    public static ClusterOptions? Parse(string? nodeId, string? clusterAddress, string? join, string failureDomain, string? secretFile)
    {
        if (nodeId is null && clusterAddress is null && join is null) return null;
        if (nodeId is null || clusterAddress is null || join is null)
            throw new ArgumentException("A cluster node needs --node-id, --cluster-address and --join together.");
        if (nodeId.Length is 0 or > 32 || !nodeId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ArgumentException($"--node-id '{nodeId}': use 1 to 32 letters, digits, '-' or '_'.");
        if (failureDomain.Split('/') is not { Length: 2 } parts || parts.Any(string.IsNullOrEmpty))
            throw new ArgumentException($"--failure-domain '{failureDomain}' is not zone/rack.");
        var peers = join.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();
        // A join list without this node's own address means it joins a running cluster instead of bootstrapping one.
        if (peers.Length == 0) throw new ArgumentException("--join needs at least one cluster address.");
        var secret = secretFile is not null ? File.ReadAllText(secretFile).Trim() : Environment.GetEnvironmentVariable(SecretVariable);
        if (string.IsNullOrEmpty(secret))
            throw new ArgumentException($"A cluster node needs the cluster secret: set {SecretVariable} or pass --cluster-secret-file.");
        if (secret.Length < 16) throw new ArgumentException("The cluster secret must be at least 16 characters.");
        return new ClusterOptions
        {
            NodeId = nodeId,
            ClusterAddress = clusterAddress,
            Join = peers,
            FailureDomain = failureDomain,
            Secret = ClusterSecret.FromText(secret),
            Wire = WireVersion.FromOverride(Environment.GetEnvironmentVariable(WireVersion.OverrideVariable)),
        };
    }
}
