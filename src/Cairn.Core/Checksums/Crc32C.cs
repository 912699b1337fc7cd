using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.Intrinsics.X86;

namespace Cairn.Core.Checksums;

/// <summary>CRC-32C (Castagnoli), with the SSE4.2 instruction where the CPU has it. Digest is big-endian.</summary>
public sealed class Crc32C : NonCryptographicHashAlgorithm
{
    private const uint Polynomial = 0x82F63B78; // reflected
    private static readonly uint[] Table = BuildTable();
    private uint crc = uint.MaxValue;

    public Crc32C() : base(4) { }

    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(uint.MaxValue, data);

    public override void Append(ReadOnlySpan<byte> source) => crc = Update(crc, source);

    public override void Reset() => crc = uint.MaxValue;

    protected override void GetCurrentHashCore(Span<byte> destination) =>
        BinaryPrimitives.WriteUInt32BigEndian(destination, ~crc);

    internal static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
        {
            ulong c = crc;
            while (data.Length >= 8)
            {
                c = Sse42.X64.Crc32(c, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            crc = (uint)c;
            foreach (var b in data) crc = Sse42.Crc32(crc, b);
            return crc;
        }
        return UpdatePortable(crc, data);
    }

    internal static uint UpdatePortable(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
