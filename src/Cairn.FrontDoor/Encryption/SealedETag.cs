using System.Security.Cryptography;
using System.Text;
using Cairn.Index.Records;

namespace Cairn.FrontDoor.Encryption;

/// <summary>
/// The ETag of what Cairn stores: the MD5 of the bytes, as S3 gives it to unencrypted and SSE-S3 objects — except under
/// SSE-C and SSE-KMS, whose ETag S3 documents as "not an MD5 digest of their object data". Those get that MD5 keyed by
/// the object's (or upload's) data key instead (HKDF-SHA256 expand, 16 bytes): 32 hex digits like any ETag, fixed for the
/// stored bytes, and telling nothing about the plaintext to anyone without the key — a listing of SSE-C objects shows no
/// digest of their contents. Content-MD5 is still checked against the plaintext's MD5.
/// </summary>
public static class SealedETag
{
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("cairn:etag:");

    /// <summary>The quoted ETag of bytes whose MD5 is <paramref name="md5"/>, stored under <paramref name="sealing"/>.</summary>
    public static string Of(ReadOnlySpan<byte> md5, ObjectSealing? sealing) =>
        Quote(HidesDigest(sealing?.Record) ? Keyed(sealing!.DataKey, md5) : md5);

    /// <summary>
    /// A copy's ETag when its bytes were read and sealed again: that of a single-part object from the plaintext's MD5; a
    /// multipart source's keeps its shape (a digest and "-N"), keyed when the copy hides digests.
    /// </summary>
    public static string OfCopy(string sourceETag, ReadOnlySpan<byte> plaintextMd5, ObjectSealing? sealing)
    {
        var dash = sourceETag.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0) return Of(plaintextMd5, sealing);
        if (!HidesDigest(sealing?.Record)) return sourceETag;
        var digest = Convert.FromHexString(sourceETag.AsSpan(1, dash - 1));
        return "\"" + Convert.ToHexStringLower(Keyed(sealing!.DataKey, digest)) + sourceETag[dash..];
    }

    /// <summary>Whether S3 gives objects so encrypted an ETag that is not their MD5: SSE-C and SSE-KMS.</summary>
    public static bool HidesDigest(ObjectEncryption? encryption) => encryption is { CustomerKey: true } or { Algorithm: ObjectEncryption.Kms };

    private static byte[] Keyed(byte[] dataKey, ReadOnlySpan<byte> md5)
    {
        // The data key is 32 random bytes: a pseudorandom key for HKDF's expand step as it is.
        var info = new byte[Label.Length + md5.Length];
        Label.CopyTo(info, 0);
        md5.CopyTo(info.AsSpan(Label.Length));
        return HKDF.Expand(HashAlgorithmName.SHA256, dataKey, 16, info);
    }

    private static string Quote(ReadOnlySpan<byte> digest) => "\"" + Convert.ToHexStringLower(digest) + "\"";
}
