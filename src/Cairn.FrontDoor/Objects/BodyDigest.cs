using System.Security.Cryptography;
using Cairn.Core.Checksums;
using Cairn.Core.Errors;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// A read-through stream that computes the MD5 (the ETag) and any requested S3 checksums in the
/// same pass that stores the body, and insists the body is exactly as long as declared — the
/// body is never read twice. The MD5 of each chunk runs beside the caller's handling of it (see
/// <see cref="BodyMd5Factory"/>), so callers must leave a chunk's bytes unchanged until their next read.
/// A body of unknown length (a POST form's file, null) ends where its stream ends.
/// </summary>
public sealed class BodyDigest(Stream inner, long? expectedLength, IReadOnlyCollection<ChecksumAlgorithm> algorithms, BodyMd5Factory md5s) : ForwardOnlyStream
{
    private readonly IBodyMd5 md5 = md5s.Start(expectedLength ?? BodyMd5Factory.BackgroundThreshold);
    private readonly (ChecksumAlgorithm Algorithm, IChecksum Sum)[] checksums = algorithms.Select(a => (a, a.Create())).ToArray();
    private Task pendingMd5 = Task.CompletedTask;

    public long BytesRead { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await pendingMd5.ConfigureAwait(false);
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            if (expectedLength is { } declared && BytesRead != declared) throw new S3Exception(S3ErrorCode.IncompleteBody);
            return 0;
        }
        BytesRead += n;
        if (BytesRead > expectedLength) throw new S3Exception(S3ErrorCode.IncompleteBody, "The body is longer than its declared length.");
        var data = buffer.Span[..n];
        foreach (var (_, sum) in checksums) sum.Append(data);
        pendingMd5 = md5.AppendAsync(buffer[..n]);
        return n;
    }


    public async ValueTask<byte[]> Md5Async()
    {
        await pendingMd5.ConfigureAwait(false);
        return md5.Finish();
    }

    /// <summary>Base64 digests by algorithm, once the body has been read to its end.</summary>
    public Dictionary<ChecksumAlgorithm, string> Checksums() =>
        checksums.ToDictionary(c => c.Algorithm, c => Convert.ToBase64String(c.Sum.Finish()));

    public override long Length => expectedLength ?? throw new NotSupportedException("The body's length is known only at its end.");
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await pendingMd5.ConfigureAwait(false);
        }
        catch
        {
            // The read that started this hash has already failed the request.
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        // A hash still running must not lose its native context; DisposeAsync waits for it.
        if (disposing && pendingMd5.IsCompleted) md5.Dispose();
        base.Dispose(disposing);
    }
}
