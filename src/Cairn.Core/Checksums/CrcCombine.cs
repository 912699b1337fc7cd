using System.Buffers.Binary;

namespace Cairn.Core.Checksums;

/// <summary>
/// crc(A‖B) from crc(A), crc(B) and |B|, for the reflected CRCs S3 uses (CRC32, CRC32C, CRC64NVME):
/// how a multipart upload gets its FULL_OBJECT checksum without reading a byte again. The zero-bit
/// operator is squared up in GF(2) matrices, as zlib's crc32_combine does.
/// </summary>
public static class CrcCombine
{
    public static bool Supports(ChecksumAlgorithm algorithm) =>
        algorithm is ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C or ChecksumAlgorithm.Crc64Nvme;

    /// <summary>Combines S3-encoded (big-endian) CRC digests of consecutive pieces with their lengths.</summary>
    public static byte[] Combine(ChecksumAlgorithm algorithm, IReadOnlyList<(byte[] Digest, long Length)> pieces)
    {
        var (poly, width) = algorithm switch
        {
            ChecksumAlgorithm.Crc32 => (0xEDB88320UL, 32),
            ChecksumAlgorithm.Crc32C => (0x82F63B78UL, 32),
            ChecksumAlgorithm.Crc64Nvme => (0x9A6C9329AC4BC9B5UL, 64),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), "Only CRCs combine."),
        };
        ulong crc = 0;
        var first = true;
        foreach (var (digest, length) in pieces)
        {
            var value = width == 32 ? BinaryPrimitives.ReadUInt32BigEndian(digest) : BinaryPrimitives.ReadUInt64BigEndian(digest);
            crc = first ? value : Combine(crc, value, length, poly, width);
            first = false;
        }
        var result = new byte[width / 8];
        if (width == 32) BinaryPrimitives.WriteUInt32BigEndian(result, (uint)crc);
        else BinaryPrimitives.WriteUInt64BigEndian(result, crc);
        return result;
    }

    public static ulong Combine(ulong crc1, ulong crc2, long length2, ulong poly, int width)
    {
        if (length2 <= 0) return crc1;
        var odd = new ulong[width];
        var even = new ulong[width];
        odd[0] = poly; // the operator for one zero bit
        ulong row = 1;
        for (var n = 1; n < width; n++, row <<= 1) odd[n] = row;
        Square(even, odd, width); // two zero bits
        Square(odd, even, width); // four zero bits
        while (true)
        {
            Square(even, odd, width); // first pass: one zero byte
            if ((length2 & 1) != 0) crc1 = Times(even, crc1);
            length2 >>= 1;
            if (length2 == 0) break;
            Square(odd, even, width);
            if ((length2 & 1) != 0) crc1 = Times(odd, crc1);
            length2 >>= 1;
            if (length2 == 0) break;
        }
        return crc1 ^ crc2;
    }

    private static ulong Times(ulong[] matrix, ulong vector)
    {
        ulong sum = 0;
        for (var i = 0; vector != 0; i++, vector >>= 1)
            if ((vector & 1) != 0) sum ^= matrix[i];
        return sum;
    }

    private static void Square(ulong[] square, ulong[] matrix, int width)
    {
        for (var n = 0; n < width; n++) square[n] = Times(matrix, matrix[n]);
    }
}
