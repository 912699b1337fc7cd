using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Cairn.Data.Drives.Remote;

/// <summary>
/// The answer to a verify request, both halves: the owner's verdict as a small JSON
/// <see cref="FragmentCheck"/>. Checking a large fragment can take longer than a call step's deadline,
/// and that deadline bounds a peer's silence, not its work: so while the check runs the owner sends a
/// space every <see cref="HeartbeatInterval"/> (JSON allows leading whitespace), and the client's
/// deadline restarts with every byte. A check done within the first interval is answered whole, so a
/// drive that fails at once is still a plain 503.
/// </summary>
internal static class VerifyAnswer
{
    /// <summary>Well under any sensible request deadline (10 s by default, 2 s in tests).</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>A verdict is a few dozen bytes; anything this long is not one.</summary>
    private const int MaxAnswerBytes = 4096;

    private static readonly byte[] Heartbeat = " "u8.ToArray();

    /// <summary>Owner side: runs the check, keeping the stream alive until the verdict is written.</summary>
    public static async ValueTask WriteAsync(HttpContext context, Task<FragmentCheck> check)
    {
        var aborted = context.RequestAborted;
        context.Response.ContentType = "application/json";
        FragmentCheck verdict;
        while (true)
        {
            try
            {
                verdict = await check.WaitAsync(HeartbeatInterval, aborted).ConfigureAwait(false);
                break;
            }
            catch (TimeoutException) when (!check.IsCompleted)
            {
                // The first heartbeat also sends the response headers: from here a failure is a cut stream.
                await context.Response.Body.WriteAsync(Heartbeat, aborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
            }
        }
        await JsonSerializer.SerializeAsync(context.Response.Body, verdict, JsonSerializerOptions.Web, aborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Client side: reads the verdict, skipping heartbeats, waiting at most <paramref name="step"/> for each
    /// next byte. A silent, cut or malformed answer throws (an IOException, OperationCanceledException or JsonException).
    /// </summary>
    public static async Task<FragmentCheck> ReadAsync(Stream body, TimeSpan step, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var answer = new byte[MaxAnswerBytes];
        var length = 0;
        while (true)
        {
            deadline.CancelAfter(step);
            var n = await body.ReadAsync(answer.AsMemory(length), deadline.Token).ConfigureAwait(false);
            if (n == 0) break;
            if (length == 0)
            {
                // Heartbeats come before the verdict: drop them, so a long check never fills the buffer.
                var spaces = answer.AsSpan(0, n).IndexOfAnyExcept((byte)' ');
                if (spaces < 0) continue;
                answer.AsSpan(spaces, n - spaces).CopyTo(answer);
                n -= spaces;
            }
            length += n;
            if (length == answer.Length) throw new IOException($"a verify answer longer than {MaxAnswerBytes} bytes");
        }
        return JsonSerializer.Deserialize<FragmentCheck>(answer.AsSpan(0, length), JsonSerializerOptions.Web);
    }
}
