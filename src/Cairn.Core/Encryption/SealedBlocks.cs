using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Cairn.Core.Encryption;

/// <summary>
/// How an encrypted object's bytes are stored (before erasure coding, so fragments hold only ciphertext): a segment
/// (a whole object, or one part of a multipart object) is an 8-byte random nonce prefix, then the plaintext in blocks
/// of <see cref="BlockSize"/> bytes, each sealed with AES-256-GCM under the object's data key and followed by its
/// 16-byte tag. Block i's nonce is the prefix and i (big-endian), so a block moved elsewhere does not open; the random
/// prefix keeps nonces unique when one data key seals several segments (the parts of an upload, a part uploaded twice).
/// A range read opens only the blocks it touches.
/// </summary>
public static class SealedBlocks
{
    public const int BlockSize = 64 * 1024;
    public const int TagSize = 16;
    public const int HeaderSize = 8;
    public const int KeySize = 32;
    public const int SealedBlockSize = BlockSize + TagSize;

    /// <summary>Stored bytes of a segment holding <paramref name="plaintextLength"/> bytes.</summary>
    public static long StoredLength(long plaintextLength) => HeaderSize + plaintextLength + TagSize * BlockCount(plaintextLength);

    public static long BlockCount(long plaintextLength) => (plaintextLength + BlockSize - 1) / BlockSize;

    /// <summary>Where sealed block <paramref name="block"/> starts within its segment.</summary>
    public static long BlockOffset(long block) => HeaderSize + block * SealedBlockSize;

    public static byte[] NewDataKey() => RandomNumberGenerator.GetBytes(KeySize);

    public static void NewHeader(Span<byte> header) => RandomNumberGenerator.Fill(header[..HeaderSize]);

    internal static void Nonce(ReadOnlySpan<byte> header, long block, Span<byte> nonce)
    {
        header[..HeaderSize].CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[HeaderSize..], checked((uint)block));
    }

    /// <summary>Seals one block: <paramref name="sealedBlock"/> receives plaintext.Length bytes of ciphertext and the tag.</summary>
    public static void SealBlock(AesGcm aes, ReadOnlySpan<byte> header, long block, ReadOnlySpan<byte> plaintext, Span<byte> sealedBlock)
    {
        Span<byte> nonce = stackalloc byte[12];
        Nonce(header, block, nonce);
        aes.Encrypt(nonce, plaintext, sealedBlock[..plaintext.Length], sealedBlock.Slice(plaintext.Length, TagSize));
    }

    /// <summary>Opens one sealed block into <paramref name="plaintext"/>; throws <see cref="AuthenticationTagMismatchException"/> if it was altered or the key is wrong.</summary>
    public static void OpenBlock(AesGcm aes, ReadOnlySpan<byte> header, long block, ReadOnlySpan<byte> sealedBlock, Span<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[12];
        Nonce(header, block, nonce);
        var length = sealedBlock.Length - TagSize;
        aes.Decrypt(nonce, sealedBlock[..length], sealedBlock.Slice(length, TagSize), plaintext[..length]);
    }

    /// <summary>A small segment sealed whole in memory (an object kept inline in the index).</summary>
    public static byte[] SealSegment(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> plaintext)
    {
        var stored = new byte[StoredLength(plaintext.Length)];
        NewHeader(stored);
        using var aes = new AesGcm(dataKey, TagSize);
        for (long block = 0, at = 0; at < plaintext.Length; block++, at += BlockSize)
        {
            var chunk = plaintext.Slice((int)at, (int)Math.Min(BlockSize, plaintext.Length - at));
            SealBlock(aes, stored, block, chunk, stored.AsSpan((int)BlockOffset(block), chunk.Length + TagSize));
        }
        return stored;
    }
}
