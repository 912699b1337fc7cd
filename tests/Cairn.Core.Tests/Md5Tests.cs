using System.Security.Cryptography;
using Cairn.Core.Checksums;

namespace Cairn.Core.Tests;

/// <summary>The hand-written MD5 paths (scalar blocks, eight SIMD lanes, the shared lane thread) against OpenSSL's.</summary>
public sealed class Md5Tests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(55)]
    [InlineData(56)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(119)]
    [InlineData(120)]
    [InlineData(1000)]
    [InlineData(65_537)]
    public void Scalar_blocks_and_padding_match_openssl(int length)
    {
        var data = Bytes(length, seed: length);
        var state = Md5State.Initial;
        var whole = length / Md5Block.Size * Md5Block.Size;
        Md5Block.Compress(ref state, data.AsSpan(0, whole));
        Assert.Equal(MD5.HashData(data), Md5Block.Finish(state, data.AsSpan(whole), length));
    }

    [Fact]
    public void Rfc1321_test_suite()
    {
        foreach (var (text, hex) in new[]
        {
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"),
        })
        {
            var data = System.Text.Encoding.ASCII.GetBytes(text);
            var whole = data.Length / Md5Block.Size * Md5Block.Size;
            var state = Md5State.Initial;
            Md5Block.Compress(ref state, data.AsSpan(0, whole));
            Assert.Equal(hex, Convert.ToHexStringLower(Md5Block.Finish(state, data.AsSpan(whole), data.Length)));
        }
    }

    [Fact]
    public unsafe void Eight_lanes_match_openssl_with_idle_lanes_left_alone()
    {
        const int blocks = 300;
        var buffers = Enumerable.Range(0, Md5Lanes.Lanes).Select(j => GC.AllocateArray<byte>(blocks * Md5Block.Size, pinned: true)).ToArray();
        for (var j = 0; j < buffers.Length; j++) new Random(j).NextBytes(buffers[j]);
        var state = new uint[4 * Md5Lanes.Lanes];
        var lanes = new nint[Md5Lanes.Lanes];
        var strides = new int[Md5Lanes.Lanes];
        for (var j = 0; j < Md5Lanes.Lanes; j++)
        {
            var initial = Md5State.Initial;
            (state[j], state[8 + j], state[16 + j], state[24 + j]) = (initial.A, initial.B, initial.C, initial.D);
            fixed (byte* p = buffers[j]) lanes[j] = (nint)p;
            strides[j] = j == 5 ? 0 : Md5Block.Size; // lane 5 idles on its first block
        }
        Md5Lanes.Compress(state, lanes, strides, 100);
        Md5Lanes.Compress(state, lanes.Select((p, j) => p + 100 * strides[j]).ToArray(), strides, blocks - 100);
        for (var j = 0; j < Md5Lanes.Lanes; j++)
        {
            if (j == 5) continue;
            var lane = new Md5State { A = state[j], B = state[8 + j], C = state[16 + j], D = state[24 + j] };
            Assert.Equal(MD5.HashData(buffers[j]), Md5Block.Finish(lane, [], buffers[j].Length));
        }
    }

    [Fact]
    public async Task Many_streams_through_the_lane_thread_get_their_own_digests()
    {
        using var hasher = new Md5LaneHasher();
        // More streams than lanes, odd chunk sizes, some streams starting late.
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            await Task.Delay(i % 3 * 5);
            var data = Bytes(200_000 + i * 7_919, seed: 100 + i);
            var state = new Md5LaneState();
            var chunk = 4096 + i * 1000;
            var whole = data.Length / Md5Block.Size * Md5Block.Size;
            for (var offset = 0; offset < whole; offset += chunk / Md5Block.Size * Md5Block.Size)
            {
                var length = Math.Min(chunk / Md5Block.Size * Md5Block.Size, whole - offset);
                await hasher.CompressAsync(state, data.AsMemory(offset, length));
            }
            return (Expected: MD5.HashData(data), Actual: Md5Block.Finish(state.Value, data.AsSpan(whole), data.Length));
        }));
        foreach (var (expected, actual) in results) Assert.Equal(expected, actual);
        var (rounds, laneRounds) = hasher.Occupancy;
        Assert.True(rounds > 0);
        Assert.True(laneRounds > rounds, $"streams never shared a round: {laneRounds} lane-rounds in {rounds} rounds");
    }

    [Theory]
    [InlineData(1, 1000)]             // small: inline
    [InlineData(1, 3_000_001)]        // one large body: OpenSSL on a pool thread
    [InlineData(5, 3_000_001)]        // several at once: the later ones share the lane thread
    public async Task Bodies_hash_right_whichever_way_they_are_hashed(int concurrent, int length)
    {
        using var factory = new BodyMd5Factory();
        var digests = await Task.WhenAll(Enumerable.Range(0, concurrent).Select(async i =>
        {
            var data = Bytes(length + i, seed: i);
            using var md5 = factory.Start(data.Length);
            var random = new Random(i);
            for (var offset = 0; offset < data.Length;)
            {
                var n = Math.Min(random.Next(1, 300_000), data.Length - offset);
                await md5.AppendAsync(data.AsMemory(offset, n));
                offset += n;
            }
            return (Expected: MD5.HashData(data), Actual: md5.Finish());
        }));
        foreach (var (expected, actual) in digests) Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task A_disposed_lane_thread_fails_new_work_instead_of_hanging()
    {
        var hasher = new Md5LaneHasher();
        hasher.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => hasher.CompressAsync(new Md5LaneState(), new byte[128]));
    }

    private static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}
