using System.Security.Cryptography;
using Cairn.Core.Checksums;
using Cairn.Core.Errors;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// A read-through stream that computes the MD5 (the ETag) and any requested S3 checksums in the
/// same pass that stores the body, and insists the body is exactly as long as declared — the
/// body is never read twice.
/// </summary>
public sealed class BodyDigest(Stream inner, long expectedLength, IReadOnlyCollection<ChecksumAlgorithm> algorithms) : Stream
{
    private readonly IncrementalHash md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly (ChecksumAlgorithm Algorithm, IChecksum Sum)[] checksums = algorithms.Select(a => (a, a.Create())).ToArray();

    public long BytesRead { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            if (BytesRead != expectedLength) throw new S3Exception(S3ErrorCode.IncompleteBody);
            return 0;
        }
        BytesRead += n;
        if (BytesRead > expectedLength) throw new S3Exception(S3ErrorCode.IncompleteBody, "The body is longer than its declared length.");
        var data = buffer.Span[..n];
        md5.AppendData(data);
        foreach (var (_, sum) in checksums) sum.Append(data);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public byte[] Md5() => md5.GetHashAndReset();

    /// <summary>Base64 digests by algorithm, once the body has been read to its end.</summary>
    public Dictionary<ChecksumAlgorithm, string> Checksums() =>
        checksums.ToDictionary(c => c.Algorithm, c => Convert.ToBase64String(c.Sum.Finish()));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => expectedLength;
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Reads are asynchronous.");
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) md5.Dispose();
        base.Dispose(disposing);
    }
}
