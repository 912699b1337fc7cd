using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using Cairn.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Cairn.Data.Drives.Remote;

/// <summary>
/// Serves this node's drives to the other nodes (the server half of <see cref="RemoteFragmentStore"/>).
/// Map it on the cluster listener only — never on the S3 port. Every endpoint requires the cluster
/// secret; bodies are streamed through pooled buffers in both directions, never held whole.
/// </summary>
public static class FragmentStoreEndpoints
{
    private const int CopyBufferSize = 256 * 1024;

    public static RouteGroupBuilder MapFragmentStores(this IEndpointRouteBuilder endpoints, IReadOnlyDictionary<string, IFragmentStore> drives, ClusterSecret secret)
    {
        var group = endpoints.MapGroup(FragmentRoutes.Prefix).RequireClusterSecret(secret);
        group.MapPut("/{drive}/fragments/{blob}/{slot:int}", (HttpContext context, string drive, string blob, int slot, string? replace) =>
            Serve(context, drives, drive, blob, slot, store => CreateAsync(context, store, blob, slot, replace is "1" or "true")));
        group.MapGet("/{drive}/fragments/{blob}/{slot:int}/length", (HttpContext context, string drive, string blob, int slot) =>
            Serve(context, drives, drive, blob, slot, store => LengthAsync(context, store, blob, slot)));
        group.MapGet("/{drive}/fragments/{blob}/{slot:int}/verify", (HttpContext context, string drive, string blob, int slot, long dataLength) =>
            Serve(context, drives, drive, blob, slot, store => VerifyAsync(context, store, blob, slot, dataLength)));
        group.MapGet("/{drive}/fragments/{blob}/{slot:int}", (HttpContext context, string drive, string blob, int slot, long offset, int count) =>
            Serve(context, drives, drive, blob, slot, store => ReadAsync(context, store, blob, slot, offset, count)));
        group.MapDelete("/{drive}/fragments/{blob}/{slot:int}", (HttpContext context, string drive, string blob, int slot) =>
            Serve(context, drives, drive, blob, slot, async store =>
            {
                await store.DeleteAsync(blob, slot, context.RequestAborted).ConfigureAwait(false);
                context.Response.StatusCode = StatusCodes.Status204NoContent;
            }));
        group.MapGet("/{drive}/fragments", (HttpContext context, string drive) =>
            Serve(context, drives, drive, null, 0, store => ListAsync(context, store)));
        group.MapGet("/{drive}/stats", (HttpContext context, string drive) =>
            Serve(context, drives, drive, null, 0, store =>
                new ValueTask(JsonSerializer.SerializeAsync(context.Response.Body, store.Stats(), JsonSerializerOptions.Web, context.RequestAborted))));
        return group;
    }

    /// <summary>Finds the drive and maps a failing one to 503 (the client's "drive unavailable").</summary>
    private static async Task Serve(HttpContext context, IReadOnlyDictionary<string, IFragmentStore> drives, string driveId, string? blobId, int slot,
        Func<IFragmentStore, ValueTask> handle)
    {
        if (blobId is not null && (!FragmentRoutes.IsValidBlobId(blobId) || slot < 0))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        if (!drives.TryGetValue(driveId, out var drive))
        {
            Fail(context, StatusCodes.Status503ServiceUnavailable, $"drive {driveId} is not served here");
            return;
        }
        try
        {
            await handle(drive).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && !context.RequestAborted.IsCancellationRequested)
        {
            if (!context.Response.HasStarted) Fail(context, StatusCodes.Status503ServiceUnavailable, e.Message);
            else context.Abort(); // a cut stream, never a short body that looks complete
        }
    }

    private static void Fail(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.Headers[FragmentRoutes.ErrorHeader] = message.ReplaceLineEndings(" ");
    }

    /// <summary>
    /// Streams the request body into a sink and commits at the body's clean end (END_STREAM). A body that
    /// is cut (the client aborted: RST_STREAM, a dropped connection) disposes the sink uncommitted, so
    /// nothing becomes visible.
    /// </summary>
    private static async ValueTask CreateAsync(HttpContext context, IFragmentStore drive, string blobId, int slot, bool replace)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        var aborted = context.RequestAborted;
        await using var sink = replace
            ? await drive.CreateReplacementAsync(blobId, slot, aborted).ConfigureAwait(false)
            : await drive.CreateAsync(blobId, slot, aborted).ConfigureAwait(false);
        var body = context.Request.BodyReader;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await body.ReadAsync(aborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
            {
                return; // the client gave up: the sink is disposed uncommitted
            }
            foreach (var segment in read.Buffer)
                await sink.WriteAsync(segment, aborted).ConfigureAwait(false);
            body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted) break;
        }
        await sink.CommitAsync(aborted).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async ValueTask LengthAsync(HttpContext context, IFragmentStore drive, string blobId, int slot)
    {
        using var source = await drive.OpenAsync(blobId, slot, context.RequestAborted).ConfigureAwait(false);
        if (source is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(source.Length.ToString(CultureInfo.InvariantCulture), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Checks a fragment here, on its own drive, and answers only the verdict (scrub without the bytes).</summary>
    private static ValueTask VerifyAsync(HttpContext context, IFragmentStore drive, string blobId, int slot, long dataLength)
    {
        if (dataLength < 0)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return ValueTask.CompletedTask;
        }
        return VerifyAnswer.WriteAsync(context, drive.VerifyAsync(blobId, slot, dataLength, context.RequestAborted).AsTask());
    }

    /// <summary>Streams [offset, offset+count) of a fragment, clipped at its end, through one pooled buffer.</summary>
    private static async ValueTask ReadAsync(HttpContext context, IFragmentStore drive, string blobId, int slot, long offset, int count)
    {
        var aborted = context.RequestAborted;
        using var source = await drive.OpenAsync(blobId, slot, aborted).ConfigureAwait(false);
        if (source is null || offset < 0 || count < 0)
        {
            context.Response.StatusCode = source is null ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;
            return;
        }
        var remaining = Math.Max(0, Math.Min(count, source.Length - offset));
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = remaining;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(CopyBufferSize, Math.Max(remaining, 1)));
        try
        {
            while (remaining > 0)
            {
                var n = await source.ReadAsync(offset, buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), aborted).ConfigureAwait(false);
                if (n == 0) throw new IOException($"fragment {blobId}.{slot} ended early at {offset}");
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, n), aborted).ConfigureAwait(false);
                offset += n;
                remaining -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask ListAsync(HttpContext context, IFragmentStore drive)
    {
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, drive.ListAsync(context.RequestAborted), JsonSerializerOptions.Web, context.RequestAborted).ConfigureAwait(false);
    }
}
