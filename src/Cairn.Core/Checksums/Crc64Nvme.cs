using System.Buffers.Binary;
using System.IO.Hashing;

namespace Cairn.Core.Checksums;

/// <summary>CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5), slice-by-8. Digest is big-endian.</summary>
public sealed class Crc64Nvme : NonCryptographicHashAlgorithm
{
    private const ulong Polynomial = 0x9A6C9329AC4BC9B5;
    private static readonly ulong[][] Tables = BuildTables();
    private ulong crc = ulong.MaxValue;

    public Crc64Nvme() : base(8) { }

    public static ulong Compute(ReadOnlySpan<byte> data) => ~Update(ulong.MaxValue, data);

    public override void Append(ReadOnlySpan<byte> source) => crc = Update(crc, source);

    public override void Reset() => crc = ulong.MaxValue;

    protected override void GetCurrentHashCore(Span<byte> destination) =>
        BinaryPrimitives.WriteUInt64BigEndian(destination, ~crc);

    private static ulong Update(ulong crc, ReadOnlySpan<byte> data)
    {
        var t = Tables;
        while (data.Length >= 8)
        {
            crc ^= BinaryPrimitives.ReadUInt64LittleEndian(data);
            crc = t[7][crc & 0xFF] ^ t[6][(crc >> 8) & 0xFF] ^ t[5][(crc >> 16) & 0xFF] ^ t[4][(crc >> 24) & 0xFF]
                ^ t[3][(crc >> 32) & 0xFF] ^ t[2][(crc >> 40) & 0xFF] ^ t[1][(crc >> 48) & 0xFF] ^ t[0][crc >> 56];
            data = data[8..];
        }
        foreach (var b in data) crc = t[0][(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static ulong[][] BuildTables()
    {
        var tables = new ulong[8][];
        tables[0] = new ulong[256];
        for (ulong i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            tables[0][i] = c;
        }
        for (var n = 1; n < 8; n++)
        {
            tables[n] = new ulong[256];
            for (var i = 0; i < 256; i++) tables[n][i] = (tables[n - 1][i] >> 8) ^ tables[0][tables[n - 1][i] & 0xFF];
        }
        return tables;
    }
}
