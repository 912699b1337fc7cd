using Cairn.Index.Commands;
using Cairn.Index.Shards;
using Cairn.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cairn.Consensus;

/// <summary>The cluster-port routes of range groups, shared by the endpoints and the forwarding client.</summary>
internal static class RangeRoutes
{
    public const string Prefix = "/cluster/v1/ranges";

    /// <summary>Relative to a member's cluster base URL.</summary>
    public static string Commands(string group) => $"{Prefix.TrimStart('/')}/{Uri.EscapeDataString(group)}/commands";

    public static string ReadIndex(string group) => $"{Prefix.TrimStart('/')}/{Uri.EscapeDataString(group)}/read-index";

    public static string Read(string group) => $"{Prefix.TrimStart('/')}/{Uri.EscapeDataString(group)}/read";

    public static string Checkpoint(string group) => $"{Prefix.TrimStart('/')}/{Uri.EscapeDataString(group)}/checkpoint";
}

/// <summary>
/// Serves this process's range-group members to the other members (the server half of forwarding). Map it
/// on the cluster listener only. <c>POST …/ranges/{group}/commands</c> takes an encoded command
/// (<see cref="CommandCodec"/>) that carries a request id and runs it on the local member, which must lead:
/// 200 with the encoded <see cref="CommandOutcome"/> (the result, or the typed S3 error that refused it);
/// 421 when it does not lead (<c>x-cairn-leader</c> names the leader it sees); 503 when the outcome is
/// unknown (it lost leadership or quorum mid-call: retry with the same request id); 400 for a body that is
/// not a command with a request id (<see cref="ForwardedCommands"/>). Every route requires the cluster
/// secret (401/403 before anything runs).
/// </summary>
public static class RangeGroupEndpoints
{
    /// <summary>
    /// <c>GET …/ranges/{group}/checkpoint</c>: a RocksDB checkpoint of this process's replica's store, as a tar stream
    /// (404 when no replica of that group runs here). A joining node starts its replica from it.
    /// </summary>
    public static RouteHandlerBuilder MapRangeCheckpoints(this IEndpointRouteBuilder endpoints, Func<string, RangeReplica?> members, ClusterSecret secret) =>
        endpoints.MapGet(RangeRoutes.Prefix + "/{group}/checkpoint", async (HttpContext context, string group) =>
        {
            if (members(group) is not { } replica)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            context.Response.ContentType = "application/x-tar";
            await replica.WriteCheckpointAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }).RequireClusterSecret(secret);

    /// <summary>
    /// Fetches a checkpoint of <paramref name="group"/> from the member whose cluster port is <paramref name="member"/> and
    /// makes <paramref name="folder"/> a range folder on it (<see cref="RangeStore.ReceiveCheckpointAsync"/>).
    /// </summary>
    public static async Task FetchCheckpointAsync(HttpClient client, Uri member, string group, string folder, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(new Uri(member, RangeRoutes.Checkpoint(group)), HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{member} gave no checkpoint of {group}: {(int)response.StatusCode}.");
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await RangeStore.ReceiveCheckpointAsync(body, folder, cancellationToken).ConfigureAwait(false);
    }

    public static RouteGroupBuilder MapRangeGroups(this IEndpointRouteBuilder endpoints, Func<string, ReplicatedIndexShard?> members, ClusterSecret secret)
    {
        var group = endpoints.MapGroup(RangeRoutes.Prefix).RequireClusterSecret(secret);
        group.MapPost("/{group}/commands", (HttpContext context, string group) =>
        {
            var member = members(group);
            return ForwardedCommands.ServeAsync(context, $"range group {group}", CommandCodec.Decode, c => c.RequestId,
                member is null ? null : async (command, token) => (await member.LeadAsync(command, token).ConfigureAwait(false)).Encode());
        });
        group.MapPost("/{group}/read-index", (HttpContext context, string group) =>
            ForwardedCommands.ServeReadIndexAsync(context, $"range group {group}", members(group) is { } member ? member.LeadReadIndexAsync : null));
        group.MapPost("/{group}/read", (HttpContext context, string group) => ServeReadAsync(context, group, members(group)));
        return group;
    }

    /// <summary>
    /// <c>POST …/ranges/{group}/read</c>: a <see cref="ReadScope"/> read here past this member's read barrier, for a node
    /// with no replica of the range (<see cref="RemoteRangeShard"/>): 200 with the rows; 421 without a replica here; 503
    /// when the barrier cannot pass (no leader or quorum); 400 for a body that is not a scope.
    /// </summary>
    private static async Task ServeReadAsync(HttpContext context, string group, ReplicatedIndexShard? member)
    {
        if (member is null)
        {
            Refuse(context, StatusCodes.Status421MisdirectedRequest, $"no member of range group {group} here");
            return;
        }
        ReadScope? scope;
        try
        {
            scope = await System.Text.Json.JsonSerializer.DeserializeAsync<ReadScope>(context.Request.Body, RangeReadJson.Options, context.RequestAborted)
                .ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException e)
        {
            Refuse(context, StatusCodes.Status400BadRequest, $"not a read scope: {e.Message}");
            return;
        }
        if (scope is null)
        {
            Refuse(context, StatusCodes.Status400BadRequest, "not a read scope");
            return;
        }
        FetchedSnapshot read;
        try
        {
            using var snapshot = await member.ReadAsync(scope, context.RequestAborted).ConfigureAwait(false);
            read = FetchedSnapshot.Read(snapshot, scope);
        }
        catch (Cairn.Index.Shards.IndexUnavailableException e)
        {
            Refuse(context, StatusCodes.Status503ServiceUnavailable, e.Message);
            return;
        }
        context.Response.ContentType = "application/json";
        await System.Text.Json.JsonSerializer.SerializeAsync(context.Response.Body, new RangeRead(read.Rows, read.Covered, read.WindowEnd), RangeReadJson.Options,
            context.RequestAborted).ConfigureAwait(false);
    }

    private static void Refuse(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.Headers[ForwardedCommands.ErrorHeader] = message.ReplaceLineEndings(" ");
    }
}
