using Cairn.Core.Blobs;
using Cairn.Core.Encryption;
using Cairn.Core.Errors;
using Cairn.Data.Blobs;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// Streams a version's bytes, verified block by block, to a destination: its plaintext (opened with the data key when
/// the version is encrypted, reading only the sealed blocks the range touches), or its stored bytes as they are (for
/// moving them elsewhere without opening them, as a lifecycle transition does).
/// </summary>
public sealed class ObjectReader(BlobStore blobs)
{
    /// <summary>Plaintext bytes [offset, offset+length); <paramref name="dataKey"/> is the version's when it is encrypted.</summary>
    public async Task ReadAsync(VersionRecord version, byte[]? dataKey, long offset, long length,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> deliver, CancellationToken cancellationToken)
    {
        if (length == 0) return;
        if (version.Encryption is null)
        {
            await ReadStoredAsync(version, offset, length, deliver, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (dataKey is null) throw new InvalidOperationException("An encrypted version is read with its data key.");
        var end = offset + length;
        foreach (var segment in Segments(version))
        {
            var segmentEnd = segment.PlainStart + segment.PlainSize;
            if (segmentEnd > offset && segment.PlainStart < end)
            {
                var from = Math.Max(offset, segment.PlainStart) - segment.PlainStart;
                var to = Math.Min(end, segmentEnd) - segment.PlainStart;
                await OpenSegmentAsync(segment, dataKey, from, to - from, deliver, cancellationToken).ConfigureAwait(false);
            }
            if (segmentEnd >= end) break;
        }
    }

    /// <summary>The stored bytes of the version: the plaintext of an unencrypted one, the sealed blocks of an encrypted one.</summary>
    public async Task ReadStoredAsync(VersionRecord version, long offset, long length,
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
                var partEnd = partStart + StoredSize(version, part.Size);
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

    /// <summary>How many bytes the version's stored form holds (more than its size when sealed: headers and tags).</summary>
    public static long StoredLength(VersionRecord version) =>
        version.Encryption is null ? version.Size
        : version.Parts is { } parts ? parts.Sum(p => SealedBlocks.StoredLength(p.Size))
        : version.RewrittenParts is { } rewritten ? rewritten.Sum(p => SealedBlocks.StoredLength(p.Size))
        : SealedBlocks.StoredLength(version.Size);

    private static long StoredSize(VersionRecord version, long plaintextSize) => version.Encryption is null ? plaintextSize : SealedBlocks.StoredLength(plaintextSize);

    /// <summary>Writes the plaintext to the response body through its PipeWriter.</summary>
    public Task WriteToResponseAsync(VersionRecord version, byte[]? dataKey, long offset, long length, HttpResponse response) =>
        ReadAsync(version, dataKey, offset, length, async (chunk, ct) => await response.BodyWriter.WriteAsync(chunk, ct).ConfigureAwait(false),
            response.HttpContext.RequestAborted);

    /// <summary>The version's plaintext as a stream (for CopyObject), produced through a pipe.</summary>
    public Stream OpenStream(VersionRecord version, byte[]? dataKey, CancellationToken cancellationToken) => OpenStream(version, dataKey, 0, version.Size, cancellationToken);

    public Stream OpenStream(VersionRecord version, byte[]? dataKey, long offset, long length, CancellationToken cancellationToken) =>
        Piped((deliver, ct) => ReadAsync(version, dataKey, offset, length, deliver, ct), cancellationToken);

    /// <summary>The version's stored bytes as a stream: a transition moves them as they are, sealed or not.</summary>
    public Stream OpenStoredStream(VersionRecord version, CancellationToken cancellationToken) =>
        Piped((deliver, ct) => ReadStoredAsync(version, 0, StoredLength(version), deliver, ct), cancellationToken);

    private static Stream Piped(Func<Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>, CancellationToken, Task> read, CancellationToken cancellationToken)
    {
        var pipe = new System.IO.Pipelines.Pipe();
        _ = Task.Run(async () =>
        {
            try
            {
                await read(async (chunk, ct) => await pipe.Writer.WriteAsync(chunk, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
            }
        }, cancellationToken);
        return pipe.Reader.AsStream();
    }

    /// <summary>
    /// One sealed segment of an encrypted version: a whole object, or one part (in its own blob, or at its place in the
    /// blob a transition wrote the parts into, one after the other).
    /// </summary>
    private readonly record struct Segment(long PlainStart, long PlainSize, BlobLayout? Blob, byte[]? Inline, long StoredStart);

    private static IEnumerable<Segment> Segments(VersionRecord version)
    {
        if (version.Inline is { } inline) yield return new Segment(0, version.Size, null, inline, 0);
        else if (version.Parts is { } parts)
        {
            long plain = 0;
            foreach (var part in parts)
            {
                yield return new Segment(plain, part.Size, part.Blob, null, 0);
                plain += part.Size;
            }
        }
        else if (version.Blob is { } blob && version.RewrittenParts is { } rewritten)
        {
            long plain = 0, stored = 0;
            foreach (var part in rewritten)
            {
                yield return new Segment(plain, part.Size, blob, null, stored);
                plain += part.Size;
                stored += SealedBlocks.StoredLength(part.Size);
            }
        }
        else if (version.Blob is { } whole) yield return new Segment(0, version.Size, whole, null, 0);
        else throw new S3Exception(S3ErrorCode.InternalError, "The version has no bytes.");
    }

    /// <summary>
    /// Plaintext [from, from+length) of one segment: reads the header (with the first block when the range starts there,
    /// else apart) and only the sealed blocks the range touches.
    /// </summary>
    private async Task OpenSegmentAsync(Segment segment, byte[] dataKey, long from, long length,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> deliver, CancellationToken cancellationToken)
    {
        var (firstBlock, storedStart, storedEnd) = OpeningSink.StoredRange(segment.PlainSize, from, length);
        var header = new byte[SealedBlocks.HeaderSize];
        var headerFilled = 0;
        if (firstBlock > 0)
        {
            await ReadSegmentAsync(segment, 0, SealedBlocks.HeaderSize, (chunk, _) =>
            {
                chunk.CopyTo(header.AsMemory(headerFilled));
                headerFilled += chunk.Length;
                return ValueTask.CompletedTask;
            }, cancellationToken).ConfigureAwait(false);
        }
        else storedStart = 0;
        OpeningSink? sink = headerFilled == SealedBlocks.HeaderSize ? new OpeningSink(dataKey, header, segment.PlainSize, firstBlock, from, length, deliver) : null;
        try
        {
            await ReadSegmentAsync(segment, storedStart, storedEnd - storedStart, async (chunk, ct) =>
            {
                if (sink is null)
                {
                    var n = Math.Min(SealedBlocks.HeaderSize - headerFilled, chunk.Length);
                    chunk[..n].CopyTo(header.AsMemory(headerFilled));
                    headerFilled += n;
                    chunk = chunk[n..];
                    if (headerFilled < SealedBlocks.HeaderSize) return;
                    sink = new OpeningSink(dataKey, header, segment.PlainSize, firstBlock, from, length, deliver);
                }
                await sink.WriteAsync(chunk, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            sink?.Dispose();
        }
    }

    private async Task ReadSegmentAsync(Segment segment, long offset, long length, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> deliver,
        CancellationToken cancellationToken)
    {
        if (segment.Inline is { } inline) await deliver(inline.AsMemory((int)(segment.StoredStart + offset), (int)length), cancellationToken).ConfigureAwait(false);
        else await blobs.ReadAsync(segment.Blob!, segment.StoredStart + offset, length, deliver, cancellationToken).ConfigureAwait(false);
    }
}
