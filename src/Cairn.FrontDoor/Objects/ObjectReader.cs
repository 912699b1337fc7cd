using Cairn.Core.Errors;
using Cairn.Data.Blobs;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Objects;

/// <summary>Streams a version's bytes, verified block by block, to a destination.</summary>
public sealed class ObjectReader(BlobStore blobs)
{
    public Task ReadAsync(VersionRecord version, long offset, long length,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> deliver, CancellationToken cancellationToken)
    {
        if (length == 0) return Task.CompletedTask;
        if (version.Inline is { } inline) return deliver(inline.AsMemory((int)offset, (int)length), cancellationToken).AsTask();
        if (version.Blob is { } blob) return blobs.ReadAsync(blob, offset, length, deliver, cancellationToken);
        throw new S3Exception(S3ErrorCode.InternalError, "The version has neither inline bytes nor a blob.");
    }

    /// <summary>Writes the bytes to the response body through its PipeWriter, without extra copies.</summary>
    public Task WriteToResponseAsync(VersionRecord version, long offset, long length, HttpResponse response) =>
        ReadAsync(version, offset, length, async (chunk, ct) => await response.BodyWriter.WriteAsync(chunk, ct).ConfigureAwait(false), response.HttpContext.RequestAborted);

    /// <summary>The version's bytes as a stream (for CopyObject), produced through a pipe.</summary>
    public Stream OpenStream(VersionRecord version, CancellationToken cancellationToken)
    {
        var pipe = new System.IO.Pipelines.Pipe();
        _ = Task.Run(async () =>
        {
            try
            {
                await ReadAsync(version, 0, version.Size, async (chunk, ct) => await pipe.Writer.WriteAsync(chunk, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
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
