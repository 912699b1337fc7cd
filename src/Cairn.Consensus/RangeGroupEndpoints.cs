using Cairn.Index.Commands;
using Cairn.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cairn.Consensus;

/// <summary>The cluster-port routes of range groups, shared by the endpoints and the forwarding client.</summary>
internal static class RangeRoutes
{
    public const string Prefix = "/cluster/v1/ranges";

    /// <summary>On a not-leader answer (421): the Raft address of the leader the member sees, absent when it sees none.</summary>
    public const string LeaderHeader = "x-cairn-leader";

    public const string ErrorHeader = "x-cairn-error";

    /// <summary>Relative to a member's cluster base URL.</summary>
    public static string Commands(string group) => $"{Prefix.TrimStart('/')}/{Uri.EscapeDataString(group)}/commands";
}

/// <summary>
/// Serves this process's range-group members to the other members (the server half of forwarding). Map it
/// on the cluster listener only. <c>POST …/ranges/{group}/commands</c> takes an encoded command
/// (<see cref="CommandCodec"/>) that carries a request id and runs it on the local member, which must lead:
/// 200 with the encoded <see cref="CommandOutcome"/> (the result, or the typed S3 error that refused it);
/// 421 when it does not lead (<c>x-cairn-leader</c> names the leader it sees); 503 when the outcome is
/// unknown (it lost leadership or quorum mid-call: retry with the same request id); 400 for a body that is
/// not a command with a request id. Every route requires the cluster secret (401/403 before anything runs).
/// </summary>
public static class RangeGroupEndpoints
{
    public static RouteGroupBuilder MapRangeGroups(this IEndpointRouteBuilder endpoints, Func<string, ReplicatedIndexShard?> members, ClusterSecret secret)
    {
        var group = endpoints.MapGroup(RangeRoutes.Prefix).RequireClusterSecret(secret);
        group.MapPost("/{group}/commands", (HttpContext context, string group) => ExecuteAsync(context, group, members(group)));
        return group;
    }

    private static async Task ExecuteAsync(HttpContext context, string group, ReplicatedIndexShard? member)
    {
        if (member is null)
        {
            Answer(context, StatusCodes.Status421MisdirectedRequest, $"no member of range group {group} here");
            return;
        }
        IndexCommand command;
        try
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
            command = CommandCodec.Decode(body.GetBuffer().AsSpan(0, (int)body.Length));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or NotSupportedException)
        {
            Answer(context, StatusCodes.Status400BadRequest, $"not an index command: {e.Message}");
            return;
        }
        if (command.RequestId is null)
        {
            Answer(context, StatusCodes.Status400BadRequest, "a forwarded command needs a request id");
            return;
        }
        CommandOutcome outcome;
        try
        {
            outcome = await member.LeadAsync(command, context.RequestAborted).ConfigureAwait(false);
        }
        catch (NotLeaderException e)
        {
            Answer(context, StatusCodes.Status421MisdirectedRequest, e.Message);
            if (e.Leader is { } leader) context.Response.Headers[RangeRoutes.LeaderHeader] = leader.ToString();
            return;
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Lost leadership or quorum, or the member is shutting down: the command may still commit.
            Answer(context, StatusCodes.Status503ServiceUnavailable, e.Message);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(outcome.Encode(), context.RequestAborted).ConfigureAwait(false);
    }

    private static void Answer(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.Headers[RangeRoutes.ErrorHeader] = message.ReplaceLineEndings(" ");
    }
}
