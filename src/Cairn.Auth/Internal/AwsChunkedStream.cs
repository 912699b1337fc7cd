using System.Buffers;
using System.Collections.ObjectModel;
using System.Security.Cryptography;
using System.Text;
using Cairn.Core.Errors;

namespace Cairn.Auth.Internal;

/// <summary>
/// Decodes an aws-chunked body (<c>hex[;chunk-signature=sig]\r\n data \r\n ... 0[;...]\r\n trailers \r\n</c>),
/// verifying the chunk-signature chain and the trailer signature when signed.
/// </summary>
/// <remarks>
/// Parsing works over one pooled buffer and never holds a whole chunk: chunk data is hashed as it is
/// handed to the caller, and when nothing is buffered it is read straight from the body into the
/// caller's memory. A chunk's signature is checked when its last byte arrives, before that read returns.
/// The parser itself (<see cref="Decode"/>) does no I/O, so the sync and async reads share it.
/// </remarks>
internal sealed class AwsChunkedStream : PayloadStream
{
    internal const int MaxLineLength = 4 * 1024;
    private const int BufferSize = 32 * 1024;
    private const int MaxTrailers = 16;
    private const int Sha256Length = 32;

    private enum State { Header, Data, DataEnd, Trailer, Done }

    private enum Need { Nothing, Input, DirectRead }

    private readonly Stream inner;
    private readonly ChunkSigningContext? signing;
    private readonly bool trailerExpected;
    private readonly long? declaredLength;
    private readonly string[] declaredTrailers;
    private readonly IncrementalHash? chunkHash;

    // Hex of the previous signature in the chain (starts as the seed) and the one the current chunk claims.
    private readonly byte[] previousSignature = new byte[64];
    private readonly byte[] claimedSignature = new byte[Sha256Length];

    private byte[]? buffer;
    private int start, end;
    private bool innerEof;
    private State state;
    private long chunkRemaining;
    private long decodedLength;
    private Dictionary<string, string>? trailers;
    private bool trailerSignatureSeen;
    private bool skippedBlankBeforeTrailers;

    public AwsChunkedStream(Stream inner, ChunkSigningContext? signing, bool trailerExpected, long? declaredLength,
        IReadOnlyCollection<string>? declaredTrailers = null)
    {
        this.inner = inner;
        this.signing = signing;
        this.trailerExpected = trailerExpected;
        this.declaredLength = declaredLength;
        this.declaredTrailers = declaredTrailers?.ToArray() ?? [];
        if (signing is not null)
        {
            chunkHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            Encoding.ASCII.GetBytes(signing.SeedSignature, previousSignature);
        }
        buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    public override int Read(Span<byte> destination)
    {
        if (destination.IsEmpty) return 0;
        int written = 0;
        while (true)
        {
            switch (Decode(destination, ref written))
            {
                case Need.Nothing:
                    return written;
                case Need.Input:
                    Compact();
                    int read = inner.Read(buffer.AsSpan(end));
                    OnInput(read);
                    break;
                case Need.DirectRead:
                    var target = destination.Slice(written, DirectLength(destination.Length - written));
                    int n = inner.Read(target);
                    if (n == 0)
                    {
                        innerEof = true;
                        break;
                    }
                    ConsumeData(target[..n]);
                    return written + n;
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (destination.IsEmpty) return 0;
        int written = 0;
        while (true)
        {
            switch (Decode(destination.Span, ref written))
            {
                case Need.Nothing:
                    return written;
                case Need.Input:
                    Compact();
                    int read = await inner.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                    OnInput(read);
                    break;
                case Need.DirectRead:
                    var target = destination.Slice(written, DirectLength(destination.Length - written));
                    int n = await inner.ReadAsync(target, cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        innerEof = true;
                        break;
                    }
                    ConsumeData(target.Span[..n]);
                    return written + n;
            }
        }
    }

    /// <summary>
    /// Advances the parser over buffered input, copying decoded data into <paramref name="destination"/>.
    /// Returns what it needs next; it never asks for I/O while it holds bytes for the caller.
    /// </summary>
    private Need Decode(Span<byte> destination, ref int written)
    {
        ObjectDisposedException.ThrowIf(buffer is null && state != State.Done, this);
        while (true)
        {
            switch (state)
            {
                case State.Header:
                {
                    if (!TryTakeLine(out var line)) return NeedInput(written);
                    ParseChunkHeader(line);
                    break;
                }
                case State.Data:
                {
                    int available = end - start;
                    if (available == 0)
                    {
                        if (innerEof) throw Truncated();
                        return written > 0 ? Need.Nothing : Need.DirectRead;
                    }
                    if (written == destination.Length) return Need.Nothing;
                    int n = (int)Math.Min(Math.Min(available, destination.Length - written), chunkRemaining);
                    var data = buffer.AsSpan(start, n);
                    data.CopyTo(destination[written..]);
                    start += n;
                    written += n;
                    ConsumeData(data);
                    break;
                }
                case State.DataEnd:
                {
                    if (end - start < 2) return NeedInput(written);
                    if (buffer![start] != '\r' || buffer[start + 1] != '\n') throw Malformed("chunk data is not followed by CRLF.");
                    start += 2;
                    state = State.Header;
                    break;
                }
                case State.Trailer:
                {
                    if (TryTakeLine(out var line))
                    {
                        OnTrailerLine(line);
                    }
                    else if (innerEof && start == end)
                    {
                        // Some encoders end the body right after the last trailer line, without the blank line.
                        Finish();
                    }
                    else
                    {
                        return NeedInput(written);
                    }
                    break;
                }
                case State.Done:
                    return Need.Nothing;
            }
        }
    }

    private Need NeedInput(int written)
    {
        if (innerEof) throw Truncated();
        return written > 0 ? Need.Nothing : Need.Input;
    }

    private int DirectLength(int room) => (int)Math.Min(room, chunkRemaining);

    private void Compact()
    {
        if (start == end)
        {
            start = end = 0;
        }
        else if (start > 0)
        {
            // Only a partial line (< MaxLineLength) is ever pending here.
            buffer.AsSpan(start, end - start).CopyTo(buffer);
            end -= start;
            start = 0;
        }
    }

    private void OnInput(int read)
    {
        if (read == 0) innerEof = true;
        end += read;
    }

    /// <summary>Takes one line ending in LF (an optional CR before it is dropped) from the buffer.</summary>
    private bool TryTakeLine(out ReadOnlySpan<byte> line)
    {
        var pending = buffer.AsSpan(start, end - start);
        int lf = pending[..Math.Min(pending.Length, MaxLineLength + 2)].IndexOf((byte)'\n');
        if (lf < 0)
        {
            if (pending.Length > MaxLineLength) throw Malformed("a chunk header or trailer line exceeds " + MaxLineLength + " bytes.");
            line = default;
            return false;
        }
        line = pending[..lf];
        if (!line.IsEmpty && line[^1] == '\r') line = line[..^1];
        start += lf + 1;
        return true;
    }

    private void ParseChunkHeader(ReadOnlySpan<byte> line)
    {
        int semicolon = line.IndexOf((byte)';');
        var sizeText = (semicolon < 0 ? line : line[..semicolon]).Trim((byte)' ');
        if (sizeText.IsEmpty || sizeText.Length > 15) throw Malformed("invalid chunk size.");
        long size = 0;
        foreach (var c in sizeText)
        {
            int v = Hex.Value(c);
            if (v < 0) throw Malformed("invalid chunk size.");
            size = (size << 4) | (uint)v;
        }

        if (signing is not null)
        {
            var signature = semicolon < 0 ? default : FindChunkSignature(line[(semicolon + 1)..]);
            if (signature.IsEmpty || !Hex.TryDecode(signature, claimedSignature))
            {
                throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch, "A chunk of the aws-chunked payload carries no valid chunk-signature.");
            }
        }

        decodedLength += size;
        if (declaredLength is { } declared && decodedLength > declared)
        {
            throw new S3Exception(S3ErrorCode.IncompleteBody, "The aws-chunked payload is longer than X-Amz-Decoded-Content-Length.");
        }

        if (size == 0)
        {
            // The final chunk signs the hash of no data.
            if (signing is not null) VerifyChunk(SHA256.HashData(ReadOnlySpan<byte>.Empty));
            trailers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            state = State.Trailer;
        }
        else
        {
            chunkRemaining = size;
            state = State.Data;
        }
    }

    private static ReadOnlySpan<byte> FindChunkSignature(ReadOnlySpan<byte> extensions)
    {
        while (!extensions.IsEmpty)
        {
            int next = extensions.IndexOf((byte)';');
            var ext = (next < 0 ? extensions : extensions[..next]).Trim((byte)' ');
            if (ext.StartsWith("chunk-signature="u8)) return ext["chunk-signature="u8.Length..];
            extensions = next < 0 ? default : extensions[(next + 1)..];
        }
        return default;
    }

    /// <summary>Hashes chunk bytes as they go to the caller; verifies the signature on the chunk's last byte.</summary>
    private void ConsumeData(ReadOnlySpan<byte> data)
    {
        chunkHash?.AppendData(data);
        chunkRemaining -= data.Length;
        BytesRead += data.Length;
        if (chunkRemaining > 0) return;

        if (chunkHash is not null)
        {
            Span<byte> digest = stackalloc byte[Sha256Length];
            chunkHash.GetHashAndReset(digest);
            VerifyChunk(digest);
        }
        state = State.DataEnd;
    }

    private void VerifyChunk(ReadOnlySpan<byte> chunkSha256)
    {
        Span<byte> expected = stackalloc byte[Sha256Length];
        signing!.ComputeChunkSignature(previousSignature, chunkSha256, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, claimedSignature))
        {
            throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch, "The chunk signature we calculated does not match the chunk-signature you provided.");
        }
        Hex.EncodeLower(expected, previousSignature);
    }

    private void OnTrailerLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            // Tolerate one blank line between the zero chunk and the trailers when trailers are still owed.
            bool owed = trailerExpected && trailers!.Count == 0 && !trailerSignatureSeen
                && (signing is not null || declaredTrailers.Length > 0);
            if (owed && !skippedBlankBeforeTrailers && (end > start || !innerEof))
            {
                skippedBlankBeforeTrailers = true;
                return;
            }
            Finish();
            return;
        }

        if (!trailerExpected) throw Malformed("unexpected data after the final chunk.");
        if (trailerSignatureSeen) throw Malformed("a trailing header follows x-amz-trailer-signature.");

        int colon = line.IndexOf((byte)':');
        if (colon <= 0) throw Malformed("a trailing header line is malformed.");
        string name = Encoding.ASCII.GetString(line[..colon].Trim((byte)' ')).ToLowerInvariant();
        string value = Encoding.UTF8.GetString(line[(colon + 1)..].Trim((byte)' ').Trim((byte)'\t'));
        if (name.Length == 0) throw Malformed("a trailing header line is malformed.");

        if (name == "x-amz-trailer-signature")
        {
            if (signing is null) return; // unsigned trailers: nothing to check against
            VerifyTrailerSignature(value);
            trailerSignatureSeen = true;
            return;
        }

        if (trailers!.Count >= MaxTrailers) throw Malformed("too many trailing headers.");
        if (!trailers.TryAdd(name, value)) throw Malformed("duplicate trailing header " + name + ".");
    }

    private void VerifyTrailerSignature(string claimedHex)
    {
        Span<byte> claimed = stackalloc byte[Sha256Length];
        if (!Hex.TryDecode(claimedHex, claimed))
        {
            throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch, "The x-amz-trailer-signature is malformed.");
        }

        // Canonical trailers as the SDKs sign them: "name:value\n" per header, sorted by lowercase name.
        var canonical = new StringBuilder();
        foreach (var (name, value) in trailers!.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            canonical.Append(name).Append(':');
            CanonicalRequest.AppendHeaderValue(canonical, value);
            canonical.Append('\n');
        }

        Span<byte> expected = stackalloc byte[Sha256Length];
        signing!.ComputeTrailerSignature(previousSignature, SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())), expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, claimed))
        {
            throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch, "The trailer signature we calculated does not match the x-amz-trailer-signature you provided.");
        }
        Hex.EncodeLower(expected, previousSignature);
    }

    private void Finish()
    {
        if (signing is not null && trailerExpected && !trailerSignatureSeen)
        {
            throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch, "The aws-chunked payload ended without x-amz-trailer-signature.");
        }
        if (declaredLength is { } declared && decodedLength != declared)
        {
            throw new S3Exception(S3ErrorCode.IncompleteBody,
                $"The decoded payload is {decodedLength} bytes but X-Amz-Decoded-Content-Length is {declared}.");
        }
        foreach (var name in declaredTrailers)
        {
            if (!trailers!.ContainsKey(name))
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, $"The trailing header {name} named in x-amz-trailer was not sent.");
            }
        }
        if (end > start) throw Malformed("unexpected data after the end of the payload.");

        Trailers = new ReadOnlyDictionary<string, string>(trailers!);
        IsCompleted = true;
        state = State.Done;
        ReturnBuffer();
    }

    private static S3Exception Truncated() =>
        new(S3ErrorCode.IncompleteBody, "The aws-chunked payload ended before its final chunk.");

    private static S3Exception Malformed(string why) =>
        new(S3ErrorCode.InvalidRequest, "Malformed aws-chunked payload: " + why);

    private void ReturnBuffer()
    {
        if (buffer is null) return;
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = null;
        start = end = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReturnBuffer();
            chunkHash?.Dispose();
        }
        base.Dispose(disposing);
    }
}
