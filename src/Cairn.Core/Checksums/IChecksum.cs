using System.IO.Hashing;
using System.Security.Cryptography;

namespace Cairn.Core.Checksums;

/// <summary>A running checksum whose final value is the raw digest S3 base64-encodes.</summary>
public interface IChecksum
{
    void Append(ReadOnlySpan<byte> data);

    /// <summary>The digest in S3's byte order (CRCs big-endian).</summary>
    byte[] Finish();
}

internal sealed class NonCryptographicChecksum(NonCryptographicHashAlgorithm hash, bool bigEndianFlip) : IChecksum
{
    public void Append(ReadOnlySpan<byte> data) => hash.Append(data);

    public byte[] Finish()
    {
        var digest = hash.GetCurrentHash();
        // System.IO.Hashing.Crc32 emits little-endian; S3 wants the big-endian value.
        if (bigEndianFlip) Array.Reverse(digest);
        return digest;
    }
}

internal sealed class IncrementalChecksum(HashAlgorithmName name) : IChecksum
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(name);

    public void Append(ReadOnlySpan<byte> data) => hash.AppendData(data);

    public byte[] Finish() => hash.GetHashAndReset();
}
