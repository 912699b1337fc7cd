using Cairn.Core.Errors;
using Cairn.Data.Blobs;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Objects;

/// <summary>Streams a version's bytes, verified block by block, to a destination.</summary>
public sealed class ObjectReader(BlobStore blobs)
{
    public async Task ReadAsync(VersionRecord version, long offset, long length,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> deliver, CancellationToken cancellationToken)
    {
        if (length == 0) return;
        if (version.Inline is { } inline) await deliver(inline.AsMemory((int)offset, (int)length), cancellationToken).ConfigureAwait(false);
        else if (version.Blob is { } blob) await blobs.ReadAsync(blob, offset, length, deliver, cancellationToken).ConfigureAwait(false);
        else if (version.Parts is { } parts)
        {
            // A stitched object: walk the parts the range touches, each from its own blob.
            long partStart = 0;
            var end = offset + length;
            foreach (var part in parts)
            {
                var partEnd = partStart + part.Size;
                if (partEnd > offset && partStart < end)
                {
                    var from = Math.Max(offset, partStart) - partStart;
                    var to = Math.Min(end, partEnd) - partStart;
                    await blobs.ReadAsync(part.Blob, from, to - from, deliver, cancellationToken).ConfigureAwait(false);
                }
                partStart = partEnd;
                if (partStart >= end) break;
            }
        }
        else throw new S3Exception(S3ErrorCode.InternalError, "The version has no bytes.");
    }

    /// <summary>Writes the bytes to the response body through its PipeWriter, without extra copies.</summary>
    public Task WriteToResponseAsync(VersionRecord version, long offset, long length, HttpResponse response) =>
        ReadAsync(version, offset, length, async (chunk, ct) => await response.BodyWriter.WriteAsync(chunk, ct).ConfigureAwait(false), response.HttpContext.RequestAborted);

    /// <summary>The version's bytes as a stream (for CopyObject), produced through a pipe.</summary>
    public Stream OpenStream(VersionRecord version, CancellationToken cancellationToken) => OpenStream(version, 0, version.Size, cancellationToken);

    public Stream OpenStream(VersionRecord version, long offset, long length, CancellationToken cancellationToken)
    {
        var pipe = new System.IO.Pipelines.Pipe();
        _ = Task.Run(async () =>
        {
            try
            {
                await ReadAsync(version, offset, length, async (chunk, ct) => await pipe.Writer.WriteAsync(chunk, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
            }
        }, cancellationToken);
        return pipe.Reader.AsStream();
    }
}
