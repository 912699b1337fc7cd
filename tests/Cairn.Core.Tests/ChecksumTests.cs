using System.Text;
using Cairn.Core.Checksums;

namespace Cairn.Core.Tests;

public sealed class ChecksumTests
{
    private static readonly byte[] Check = "123456789"u8.ToArray();

    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32, "cbf43926")]
    [InlineData(ChecksumAlgorithm.Crc32C, "e3069283")]
    [InlineData(ChecksumAlgorithm.Crc64Nvme, "ae8b14860a799888")]
    [InlineData(ChecksumAlgorithm.Sha1, "f7c3bc1d808e04732adf679965ccc34ca7ae3441")]
    public void Standard_check_values_match(ChecksumAlgorithm algorithm, string hex)
    {
        var sum = algorithm.Create();
        sum.Append(Check);
        Assert.Equal(hex, Convert.ToHexStringLower(sum.Finish()));
    }

    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32)]
    [InlineData(ChecksumAlgorithm.Crc32C)]
    [InlineData(ChecksumAlgorithm.Crc64Nvme)]
    [InlineData(ChecksumAlgorithm.Sha256)]
    public void Incremental_appends_equal_one_shot(ChecksumAlgorithm algorithm)
    {
        var data = new byte[100_003];
        new Random(7).NextBytes(data);
        var whole = algorithm.Create();
        whole.Append(data);
        var pieces = algorithm.Create();
        for (var i = 0; i < data.Length; i += 777) pieces.Append(data.AsSpan(i, Math.Min(777, data.Length - i)));
        Assert.Equal(whole.Finish(), pieces.Finish());
    }

    [Fact]
    public void Crc32c_hardware_and_portable_paths_agree()
    {
        var data = new byte[4099];
        new Random(3).NextBytes(data);
        Assert.Equal(~Crc32C.UpdatePortable(uint.MaxValue, data), Crc32C.Compute(data));
    }

    [Fact]
    public void S3_crc32_of_hello_world_is_the_value_the_sdk_sends()
    {
        var sum = ChecksumAlgorithm.Crc32.Create();
        sum.Append(Encoding.ASCII.GetBytes("hello world"));
        Assert.Equal("DUoRhQ==", Convert.ToBase64String(sum.Finish()));
    }

    [Theory]
    [InlineData("x-amz-checksum-crc32", true, ChecksumAlgorithm.Crc32)]
    [InlineData("X-Amz-Checksum-CRC64NVME", true, ChecksumAlgorithm.Crc64Nvme)]
    [InlineData("x-amz-checksum-mode", false, default(ChecksumAlgorithm))]
    [InlineData("x-amz-checksum-md5", false, default(ChecksumAlgorithm))]
    public void Header_names_parse(string header, bool ok, ChecksumAlgorithm expected)
    {
        Assert.Equal(ok, ChecksumAlgorithms.TryParseHeader(header, out var algorithm));
        if (ok) Assert.Equal(expected, algorithm);
    }
}

public sealed class CrcCombineTests
{
    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32)]
    [InlineData(ChecksumAlgorithm.Crc32C)]
    [InlineData(ChecksumAlgorithm.Crc64Nvme)]
    public void Combined_part_crcs_equal_the_crc_of_the_whole(ChecksumAlgorithm algorithm)
    {
        var rng = new Random(21);
        var parts = new[] { 1000, 1, 65_536, 0, 77_777 }.Select(n => { var b = new byte[n]; rng.NextBytes(b); return b; }).ToArray();
        var whole = algorithm.Create();
        foreach (var p in parts) whole.Append(p);
        var pieces = parts.Select(p => { var c = algorithm.Create(); c.Append(p); return (c.Finish(), (long)p.Length); }).ToList();
        Assert.Equal(whole.Finish(), CrcCombine.Combine(algorithm, pieces));
    }
}
