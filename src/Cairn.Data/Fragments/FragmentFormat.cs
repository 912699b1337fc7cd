using System.Buffers.Binary;
using System.IO.Hashing;

namespace Cairn.Data.Fragments;

/// <summary>
/// On-disk layout of a fragment file: a 16-byte header, then blocks of up to BlockSize data bytes,
/// each followed by its 8-byte XxHash3. Block i starts at Header + i·(BlockSize + 8), so a range
/// read seeks straight to the blocks it needs and verifies each before using it.
/// </summary>
public static class FragmentFormat
{
    public const int HeaderSize = 16;
    public const int ChecksumSize = 8;
    public const int DefaultBlockSize = 64 * 1024;
    private const uint Magic = 0x43524E46; // "CRNF"
    private const ushort Version = 1;

    public static void WriteHeader(Span<byte> header, int blockSize)
    {
        header[..HeaderSize].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(header, Magic);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], Version);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], blockSize);
    }

    public static bool TryReadHeader(ReadOnlySpan<byte> header, out int blockSize)
    {
        blockSize = 0;
        if (header.Length < HeaderSize || BinaryPrimitives.ReadUInt32BigEndian(header) != Magic) return false;
        blockSize = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        return blockSize > 0;
    }

    public static long BlockOffset(long block, int blockSize) => HeaderSize + block * (blockSize + (long)ChecksumSize);

    /// <summary>File length for a fragment holding <paramref name="dataLength"/> data bytes.</summary>
    public static long FileLength(long dataLength, int blockSize)
    {
        var blocks = (dataLength + blockSize - 1) / blockSize;
        return HeaderSize + dataLength + blocks * ChecksumSize;
    }

    public static ulong Checksum(ReadOnlySpan<byte> block) => XxHash3.HashToUInt64(block);

    public static void WriteChecksum(Span<byte> destination, ReadOnlySpan<byte> block) =>
        BinaryPrimitives.WriteUInt64LittleEndian(destination, Checksum(block));

    public static bool Verify(ReadOnlySpan<byte> block, ReadOnlySpan<byte> storedChecksum) =>
        BinaryPrimitives.ReadUInt64LittleEndian(storedChecksum) == Checksum(block);
}
