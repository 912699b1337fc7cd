using Cairn.Cluster.Meta;
using Cairn.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cairn.Consensus.Meta;

/// <summary>The cluster-port route of the meta group, shared by the endpoint and the forwarding client.</summary>
internal static class MetaRoutes
{
    public const string Prefix = "/cluster/v1/meta";

    /// <summary>Relative to a member's cluster base URL.</summary>
    public static string Commands(string group) => $"{Prefix.TrimStart('/')}/{Uri.EscapeDataString(group)}/commands";

    public static string ReadIndex(string group) => $"{Prefix.TrimStart('/')}/{Uri.EscapeDataString(group)}/read-index";

    public static string Map(string group) => $"{Prefix.TrimStart('/')}/{Uri.EscapeDataString(group)}/map";
}

/// <summary>
/// Serves this process's meta-group member to the other members (the server half of forwarding), beside
/// <see cref="RangeGroupEndpoints.MapRangeGroups"/> on the cluster listener only. <c>POST …/meta/{group}/commands</c>
/// takes an encoded <see cref="MetaCommand"/> (<see cref="MetaCodec"/>) that carries a request id and runs it
/// on the local member, which must lead: 200 with the encoded <see cref="MetaOutcome"/> (the index it was
/// applied at, or the <see cref="MetaError"/> that refused it); 421 when it does not lead or no member of that
/// group runs here; 503 when the outcome is unknown; 400 for a body that is not a command with a request id
/// (<see cref="ForwardedCommands"/>). <c>POST …/meta/{group}/map</c> takes the index a node outside the group has
/// (8 bytes, big-endian; -1 for none) and answers, past this member's read barrier and once it has applied an entry
/// beyond that index (or after <see cref="MetaMirror.HoldFor"/>), the index it applied and the map
/// (<see cref="MetaMirror"/>). Requires the cluster secret (401/403 before anything runs).
/// </summary>
public static class MetaGroupEndpoints
{
    /// <param name="member">This process's meta-group member, null while it runs none.</param>
    public static RouteGroupBuilder MapMetaGroup(this IEndpointRouteBuilder endpoints, Func<MetaReplica?> member, ClusterSecret secret)
    {
        var group = endpoints.MapGroup(MetaRoutes.Prefix).RequireClusterSecret(secret);
        group.MapPost("/{group}/commands", (HttpContext context, string group) =>
        {
            var replica = member() is { } m && m.Group.Id == group ? m : null;
            return ForwardedCommands.ServeAsync(context, $"meta group {group}", MetaCodec.Decode, c => c.RequestId,
                replica is null ? null : async (command, token) => (await replica.LeadAsync(command, token).ConfigureAwait(false)).Encode());
        });
        group.MapPost("/{group}/read-index", (HttpContext context, string group) =>
            ForwardedCommands.ServeReadIndexAsync(context, $"meta group {group}",
                member() is { } m && m.Group.Id == group ? m.LeadReadIndexAsync : null));
        group.MapPost("/{group}/map", async (HttpContext context, string group) =>
        {
            var replica = member() is { } m && m.Group.Id == group ? m : null;
            await ForwardedCommands.ServeMapAsync(context, $"meta group {group}", replica is null ? null : replica.ServeMapAsync).ConfigureAwait(false);
        });
        return group;
    }
}
