using System.Collections.ObjectModel;

namespace Cairn.Auth;

/// <summary>
/// A read-only, forward-only stream of the decoded request payload. Verification happens as the data
/// passes: by the time a read has returned 0 every signature, the decoded length and (for signed
/// payloads) the SHA-256 have been checked, and <see cref="Trailers"/> holds the trailing headers.
/// Failures surface as <see cref="Cairn.Core.Errors.S3Exception"/> from the read that detects them,
/// so callers must not commit anything before EOF.
/// </summary>
public abstract class PayloadStream : Stream
{
    /// <summary>Trailing headers by lowercase name (e.g. "x-amz-checksum-crc32" → base64); empty until EOF.</summary>
    public IReadOnlyDictionary<string, string> Trailers { get; protected set; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>True once the payload has been read to the end and fully verified.</summary>
    public bool IsCompleted { get; protected set; }

    /// <summary>Whether reading does work per byte (hashing, chunk decoding) beyond copying it out of the socket.</summary>
    public virtual bool VerifiesBytes => true;

    /// <summary>Decoded payload bytes returned so far.</summary>
    public long BytesRead { get; protected set; }

    public sealed override bool CanRead => true;
    public sealed override bool CanSeek => false;
    public sealed override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public sealed override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    // Route the array overload to the Memory one; Stream's default would go through BeginRead on a pool thread.
    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public abstract override int Read(Span<byte> buffer);

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);
}
