using Microsoft.AspNetCore.Http;

namespace Cairn.Consensus;

/// <summary>
/// The server half of forwarding, whatever the group replicates: one encoded command that carries a
/// request id, run on the local member, which must lead. 200 with the encoded outcome of its apply (a
/// refusal is an outcome too); 421 when it does not lead (<see cref="LeaderHeader"/> names the leader it
/// sees); 503 when the outcome is unknown (it lost leadership or quorum mid-call: retry with the same
/// request id); 400 for a body that is not a command with a request id.
/// </summary>
internal static class ForwardedCommands
{
    /// <summary>On a not-leader answer (421): the Raft address of the leader the member sees, absent when it sees none.</summary>
    public const string LeaderHeader = "x-cairn-leader";

    public const string ErrorHeader = "x-cairn-error";

    /// <param name="what">The group as named in answers, e.g. "range group range-1".</param>
    /// <param name="lead">Null when no member of the group runs here; else runs the decoded command and encodes its outcome.</param>
    public static async Task ServeAsync<TCommand>(HttpContext context, string what, Func<ReadOnlySpan<byte>, TCommand> decode,
        Func<TCommand, string?> requestIdOf, Func<TCommand, CancellationToken, Task<byte[]>>? lead)
    {
        if (lead is null)
        {
            Answer(context, StatusCodes.Status421MisdirectedRequest, $"no member of {what} here");
            return;
        }
        TCommand command;
        try
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
            command = decode(body.GetBuffer().AsSpan(0, (int)body.Length));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or NotSupportedException)
        {
            Answer(context, StatusCodes.Status400BadRequest, $"not a command of {what}: {e.Message}");
            return;
        }
        if (requestIdOf(command) is null)
        {
            Answer(context, StatusCodes.Status400BadRequest, "a forwarded command needs a request id");
            return;
        }
        await RespondAsync(context, token => lead(command, token), "application/json").ConfigureAwait(false);
    }

    /// <summary>
    /// A follower's read barrier, served by the leader: 200 with its commit index (8 bytes, big-endian) once a
    /// quorum confirmed it still leads; 421 when it does not lead (or no member runs here); 503 when it could not
    /// confirm in time.
    /// </summary>
    public static async Task ServeReadIndexAsync(HttpContext context, string what, Func<CancellationToken, Task<long>>? lead)
    {
        if (lead is null)
        {
            Answer(context, StatusCodes.Status421MisdirectedRequest, $"no member of {what} here");
            return;
        }
        await RespondAsync(context, async token => Encode(await lead(token).ConfigureAwait(false)), "application/octet-stream").ConfigureAwait(false);
    }

    private static byte[] Encode(long index)
    {
        var body = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(body, index);
        return body;
    }

    /// <summary>
    /// The map for a node outside the group (<see cref="Meta.MetaMirror"/>): the body is the index it has (8 bytes,
    /// big-endian); 200 with what <paramref name="serve"/> answers, 421 when no member runs here or it is not one.
    /// </summary>
    public static async Task ServeMapAsync(HttpContext context, string what, Func<long, CancellationToken, Task<byte[]>>? serve)
    {
        if (serve is null)
        {
            Answer(context, StatusCodes.Status421MisdirectedRequest, $"no member of {what} here");
            return;
        }
        var body = new byte[8];
        try
        {
            await context.Request.Body.ReadExactlyAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            Answer(context, StatusCodes.Status400BadRequest, "a map request carries the index its sender has (8 bytes)");
            return;
        }
        var after = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(body);
        await RespondAsync(context, token => serve(after, token), "application/octet-stream").ConfigureAwait(false);
    }

    /// <summary>Runs the leader's part: 200 with its answer, 421 when this member does not lead, 503 when it lost leadership or quorum meanwhile.</summary>
    private static async Task RespondAsync(HttpContext context, Func<CancellationToken, Task<byte[]>> lead, string contentType)
    {
        byte[] answer;
        try
        {
            answer = await lead(context.RequestAborted).ConfigureAwait(false);
        }
        catch (NotLeaderException e)
        {
            Answer(context, StatusCodes.Status421MisdirectedRequest, e.Message);
            if (e.Leader is { } leader) context.Response.Headers[LeaderHeader] = leader.ToString();
            return;
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Lost leadership or quorum, or the member is shutting down: a command may still commit.
            Answer(context, StatusCodes.Status503ServiceUnavailable, e.Message);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType;
        await context.Response.Body.WriteAsync(answer, context.RequestAborted).ConfigureAwait(false);
    }

    private static void Answer(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.Headers[ErrorHeader] = message.ReplaceLineEndings(" ");
    }
}
