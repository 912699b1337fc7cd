using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Cairn.Auth.Internal;

namespace Cairn.Auth;

/// <summary>
/// What is needed to verify the chain of aws-chunked signatures: the derived signing key, the
/// request timestamp and scope, and the request's own (seed) signature that the first chunk chains from.
/// </summary>
public sealed class ChunkSigningContext
{
    // Precomputed "ALGORITHM\nDATE\nSCOPE\n" prefixes so each chunk only hashes and HMACs.
    private readonly byte[] chunkPrefix;
    private readonly byte[] trailerPrefix;

    internal ChunkSigningContext(byte[] signingKey, string amzDate, string scope, string seedSignature)
    {
        if (signingKey.Length != 32) throw new ArgumentException("A SigV4 signing key is 32 bytes.", nameof(signingKey));
        if (seedSignature.Length != 64) throw new ArgumentException("A SigV4 signature is 64 hex characters.", nameof(seedSignature));
        SigningKey = signingKey;
        AmzDate = amzDate;
        Scope = scope;
        SeedSignature = seedSignature;
        chunkPrefix = Encoding.ASCII.GetBytes("AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + "\n" + scope + "\n");
        trailerPrefix = Encoding.ASCII.GetBytes("AWS4-HMAC-SHA256-TRAILER\n" + amzDate + "\n" + scope + "\n");
    }

    /// <summary>The request timestamp as signed (yyyyMMddTHHmmssZ).</summary>
    public string AmzDate { get; }

    /// <summary>date/region/service/aws4_request.</summary>
    public string Scope { get; }

    /// <summary>The request signature, which the first chunk signature chains from.</summary>
    public string SeedSignature { get; }

    internal byte[] SigningKey { get; }

    /// <summary>signature = HMAC(key, "AWS4-HMAC-SHA256-PAYLOAD\n" date "\n" scope "\n" prev "\n" hex(sha256("")) "\n" hex(sha256(chunk))).</summary>
    internal void ComputeChunkSignature(ReadOnlySpan<byte> previousSignatureHex, ReadOnlySpan<byte> chunkSha256, Span<byte> signature)
    {
        int length = chunkPrefix.Length + 64 + 1 + 64 + 1 + 64;
        byte[]? rented = null;
        Span<byte> input = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(length));
        input = input[..length];
        int pos = 0;
        chunkPrefix.CopyTo(input);
        pos += chunkPrefix.Length;
        previousSignatureHex.CopyTo(input[pos..]);
        pos += 64;
        input[pos++] = (byte)'\n';
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"u8.CopyTo(input[pos..]);
        pos += 64;
        input[pos++] = (byte)'\n';
        Hex.EncodeLower(chunkSha256, input[pos..]);
        HMACSHA256.HashData(SigningKey, input, signature);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>signature = HMAC(key, "AWS4-HMAC-SHA256-TRAILER\n" date "\n" scope "\n" prev "\n" hex(sha256(canonicalTrailers))).</summary>
    internal void ComputeTrailerSignature(ReadOnlySpan<byte> previousSignatureHex, ReadOnlySpan<byte> trailerSha256, Span<byte> signature)
    {
        var input = new byte[trailerPrefix.Length + 64 + 1 + 64];
        trailerPrefix.CopyTo(input, 0);
        int pos = trailerPrefix.Length;
        previousSignatureHex.CopyTo(input.AsSpan(pos));
        pos += 64;
        input[pos++] = (byte)'\n';
        Hex.EncodeLower(trailerSha256, input.AsSpan(pos));
        HMACSHA256.HashData(SigningKey, input, signature);
    }
}
