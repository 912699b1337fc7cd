using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cairn.Core.Checksums;

/// <summary>
/// MD5's chaining value (RFC 1321) and its compression of whole 64-byte blocks, one stream at a time.
/// OpenSSL does a single stream faster; this exists so a stream hashed in a SIMD lane can finish
/// (padding, the last blocks) on its own, and as the reference the lane kernel is tested against.
/// </summary>
public struct Md5State
{
    public uint A, B, C, D;

    public static Md5State Initial => new() { A = 0x67452301, B = 0xefcdab89, C = 0x98badcfe, D = 0x10325476 };

    /// <summary>The 16-byte digest of the state (after the padding blocks have been compressed).</summary>
    public readonly byte[] ToDigest()
    {
        var digest = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(digest, A);
        BinaryPrimitives.WriteUInt32LittleEndian(digest.AsSpan(4), B);
        BinaryPrimitives.WriteUInt32LittleEndian(digest.AsSpan(8), C);
        BinaryPrimitives.WriteUInt32LittleEndian(digest.AsSpan(12), D);
        return digest;
    }
}

public static class Md5Block
{
    public const int Size = 64;

    /// <summary>The sine-derived constants T[i] of RFC 1321, shared with the lane kernel.</summary>
    internal static ReadOnlySpan<uint> T =>
    [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
    ];

    /// <summary>Compresses every whole block of <paramref name="blocks"/> (its length is a multiple of 64).</summary>
    public static void Compress(ref Md5State state, ReadOnlySpan<byte> blocks)
    {
        Span<uint> x = stackalloc uint[16];
        var t = T;
        for (var offset = 0; offset + Size <= blocks.Length; offset += Size)
        {
            for (var i = 0; i < 16; i++) x[i] = BinaryPrimitives.ReadUInt32LittleEndian(blocks.Slice(offset + 4 * i));
            uint a = state.A, b = state.B, c = state.C, d = state.D;
            for (var i = 0; i < 64; i++)
            {
                uint f;
                int g;
                switch (i >> 4)
                {
                    case 0: f = (b & c) | (~b & d); g = i; break;
                    case 1: f = (d & b) | (~d & c); g = (5 * i + 1) & 15; break;
                    case 2: f = b ^ c ^ d; g = (3 * i + 5) & 15; break;
                    default: f = c ^ (b | ~d); g = (7 * i) & 15; break;
                }
                var rotated = BitOperations.RotateLeft(a + f + t[i] + x[g], Shift(i));
                (a, d, c) = (d, c, b);
                b += rotated;
            }
            state.A += a; state.B += b; state.C += c; state.D += d;
        }
    }

    /// <summary>Hashes the final partial block (under 64 bytes) with MD5's padding and returns the digest.</summary>
    public static byte[] Finish(Md5State state, ReadOnlySpan<byte> tail, long totalLength)
    {
        if (tail.Length >= Size) throw new ArgumentException("The tail must be shorter than one block.", nameof(tail));
        Span<byte> last = stackalloc byte[2 * Size];
        last.Clear();
        tail.CopyTo(last);
        last[tail.Length] = 0x80;
        var padded = tail.Length < 56 ? Size : 2 * Size;
        BinaryPrimitives.WriteUInt64LittleEndian(last.Slice(padded - 8), (ulong)totalLength * 8);
        Compress(ref state, last[..padded]);
        return state.ToDigest();
    }

    /// <summary>The left-rotation of step i: RFC 1321's per-round table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Shift(int i) => (i >> 4) switch
    {
        0 => (i & 3) switch { 0 => 7, 1 => 12, 2 => 17, _ => 22 },
        1 => (i & 3) switch { 0 => 5, 1 => 9, 2 => 14, _ => 20 },
        2 => (i & 3) switch { 0 => 4, 1 => 11, 2 => 16, _ => 23 },
        _ => (i & 3) switch { 0 => 6, 1 => 10, 2 => 15, _ => 21 },
    };
}
