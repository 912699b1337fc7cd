namespace Cairn.Erasure.Tests;

public class CodecTests
{
    public static TheoryData<CodecPath> Paths()
    {
        var data = new TheoryData<CodecPath>();
        foreach (var p in ErasureCodecs.SupportedPaths) data.Add(p);
        return data;
    }

    private static readonly int[] InterestingLengths =
        [0, 1, 2, 31, 32, 33, 63, 64, 65, 127, 128, 129, 200, 255, 1000, 4095, 4096, 4097, 16_385, 65_600];

    [Fact]
    public void Known_answer_4_plus_2_matches_plain_matrix_times_vector()
    {
        var data = new[]
        {
            new byte[] { 0x00, 0x01, 0x02, 0x03, 0xFF },
            new byte[] { 0x10, 0x20, 0x30, 0x40, 0x80 },
            new byte[] { 0xAA, 0xBB, 0xCC, 0xDD, 0x01 },
            new byte[] { 0x12, 0x34, 0x56, 0x78, 0x9A },
        };
        var expected = Reference.Encode(data, 2);
        foreach (var path in ErasureCodecs.SupportedPaths)
        {
            var shards = Stripe.Encode(new ReedSolomonCodec(4, 2, path), data);
            Assert.Equal(expected[0], shards[4]);
            Assert.Equal(expected[1], shards[5]);
        }
        // Pinned bytes, so a change of matrix or field cannot pass silently.
        // Parity row 0 = [1/4, 1/5, 1/6, 1/7]; byte 0: 1/5·0x10 ^ 1/6·0xAA ^ 1/7·0x12.
        byte b0 = (byte)(Reference.Mul(Reference.Inv(5), 0x10) ^ Reference.Mul(Reference.Inv(6), 0xAA) ^ Reference.Mul(Reference.Inv(7), 0x12));
        Assert.Equal(b0, expected[0][0]);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Known_answer_random_codes_match_reference(CodecPath path)
    {
        var rng = new Random(1234);
        for (int trial = 0; trial < 20; trial++)
        {
            int k = rng.Next(1, 17), m = rng.Next(1, Math.Min(8, 24 - k) + 1);
            int len = rng.Next(0, 300);
            var data = Stripe.RandomData(rng, k, len);
            var shards = Stripe.Encode(new ReedSolomonCodec(k, m, path), data);
            var expected = Reference.Encode(data, m);
            for (int p = 0; p < m; p++)
                Assert.True(expected[p].AsSpan().SequenceEqual(shards[k + p]), $"trial {trial} k={k} m={m} len={len} parity {p}");
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Random_codes_lengths_and_erasures_round_trip(CodecPath path)
    {
        int baseSeed = Environment.TickCount;
        for (int trial = 0; trial < 150; trial++)
        {
            int seed = baseSeed + trial;
            var rng = new Random(seed);
            int k = rng.Next(1, 17), m = rng.Next(1, Math.Min(8, 24 - k) + 1);
            int len = rng.Next(3) == 0 ? InterestingLengths[rng.Next(InterestingLengths.Length)] : rng.Next(0, 5000);
            var codec = new ReedSolomonCodec(k, m, path);
            var data = Stripe.RandomData(rng, k, len);
            var shards = Stripe.Encode(codec, data);
            var present = Stripe.Erase(rng, k + m, rng.Next(0, m + 1));
            var rebuilt = Stripe.EraseAndReconstruct(codec, shards, present, rng);
            Stripe.AssertSame(shards, rebuilt, $"seed {seed} path {path} k={k} m={m} len={len} erased=[{string.Join(",", Enumerable.Range(0, k + m).Where(i => !present[i]))}]");
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Every_length_near_vector_boundaries_round_trips(CodecPath path)
    {
        var rng = new Random(99);
        var codec = new ReedSolomonCodec(5, 3, path);
        foreach (int len in InterestingLengths.Concat(Enumerable.Range(0, 260)))
        {
            var shards = Stripe.Encode(codec, Stripe.RandomData(rng, 5, len));
            Assert.True(Reference.Encode(shards.Take(5).ToArray(), 3).Zip(shards.Skip(5)).All(p => p.First.AsSpan().SequenceEqual(p.Second)), $"len {len}");
            var present = new[] { false, true, true, false, true, true, false, true };
            Stripe.AssertSame(shards, Stripe.EraseAndReconstruct(codec, shards, present), $"len {len}");
        }
    }

    [Theory]
    [InlineData(4, 2)]
    [InlineData(6, 3)]
    [InlineData(8, 4)]
    public void Every_erasure_pattern_of_small_codes_rebuilds(int k, int m)
    {
        foreach (var path in ErasureCodecs.SupportedPaths)
        {
            var rng = new Random(k * 100 + m);
            var codec = new ReedSolomonCodec(k, m, path);
            var shards = Stripe.Encode(codec, Stripe.RandomData(rng, k, 300)); // vector body and a scalar tail
            int patterns = 0;
            foreach (var present in Stripe.AllErasures(k + m, m))
            {
                var rebuilt = Stripe.EraseAndReconstruct(codec, shards, present);
                Stripe.AssertSame(shards, rebuilt, $"{path} {k}+{m} erased=[{string.Join(",", Enumerable.Range(0, k + m).Where(i => !present[i]))}]");
                patterns++;
            }
            Assert.True(patterns > 1);
        }
    }

    [Fact]
    public void Every_simd_path_agrees_with_portable_bit_for_bit()
    {
        int baseSeed = Environment.TickCount;
        for (int trial = 0; trial < 60; trial++)
        {
            int seed = baseSeed + trial;
            var rng = new Random(seed);
            int k = rng.Next(1, 17), m = rng.Next(1, Math.Min(8, 24 - k) + 1);
            int len = rng.Next(2) == 0 ? rng.Next(0, 70_000) : rng.Next(0, 700);
            var data = Stripe.RandomData(rng, k, len);
            var present = Stripe.Erase(rng, k + m, rng.Next(1, m + 1));
            var portable = new ReedSolomonCodec(k, m, CodecPath.Portable);
            var expected = Stripe.Encode(portable, data);
            var expectedRebuilt = Stripe.EraseAndReconstruct(portable, expected, present);
            foreach (var path in ErasureCodecs.SupportedPaths.Where(p => p != CodecPath.Portable))
            {
                var codec = new ReedSolomonCodec(k, m, path);
                string ctx = $"seed {seed} path {path} k={k} m={m} len={len}";
                Stripe.AssertSame(expected, Stripe.Encode(codec, data), ctx + " encode");
                // Reconstruct from the portable parity with random garbage in the erased slots.
                Stripe.AssertSame(expectedRebuilt, Stripe.EraseAndReconstruct(codec, expected, present, rng), ctx + " reconstruct");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void More_than_eight_outputs_use_several_passes_and_still_agree(CodecPath path)
    {
        // 4+12 loses all four data shards and eight parity shards: twelve outputs, longer than one column block.
        var rng = new Random(5);
        int k = 4, m = 12, len = 40_000 + 77;
        var codec = new ReedSolomonCodec(k, m, path);
        var data = Stripe.RandomData(rng, k, len);
        var shards = Stripe.Encode(codec, data);
        var expected = Reference.Encode(data, m);
        for (int p = 0; p < m; p++) Assert.True(expected[p].AsSpan().SequenceEqual(shards[k + p]), $"parity {p}");
        var present = new bool[k + m];
        present[5] = present[9] = present[12] = present[15] = true;
        Stripe.AssertSame(shards, Stripe.EraseAndReconstruct(codec, shards, present, rng), path.ToString());
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Shards_sliced_out_of_larger_buffers_at_odd_offsets_work(CodecPath path)
    {
        var rng = new Random(3);
        int k = 6, m = 3, len = 1000;
        var backing = new byte[(k + m) * (len + 7) + 3];
        rng.NextBytes(backing);
        var shards = Enumerable.Range(0, k + m).Select(i => backing.AsMemory(3 + i * (len + 7), len)).ToArray();
        var codec = new ReedSolomonCodec(k, m, path);
        codec.Encode(shards.Take(k).Select(s => (ReadOnlyMemory<byte>)s).ToArray(), shards.Skip(k).ToArray());
        var expected = Reference.Encode(shards.Take(k).Select(s => s.ToArray()).ToArray(), m);
        for (int p = 0; p < m; p++) Assert.True(expected[p].AsSpan().SequenceEqual(shards[k + p].Span));

        var original = shards.Select(s => s.ToArray()).ToArray();
        var present = new[] { true, false, true, true, false, true, true, true, false };
        foreach (var i in Enumerable.Range(0, k + m).Where(i => !present[i])) shards[i].Span.Fill(0);
        codec.Reconstruct(shards, present);
        Stripe.AssertSame(original, shards.Select(s => s.ToArray()).ToArray(), path.ToString());
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Fewer_than_k_shards_throws(CodecPath path)
    {
        var codec = new ReedSolomonCodec(4, 2, path);
        var shards = Enumerable.Range(0, 6).Select(_ => (Memory<byte>)new byte[10]).ToArray();
        var ex = Assert.Throws<InsufficientShardsException>(() =>
            codec.Reconstruct(shards, new[] { true, false, true, false, false, true }));
        Assert.Equal(3, ex.Present);
        Assert.Equal(4, ex.Required);
        Assert.Throws<InsufficientShardsException>(() => codec.Reconstruct(shards, new bool[6]));
    }

    [Fact]
    public void Nothing_missing_is_a_no_op_and_zero_length_is_fine()
    {
        var codec = ErasureCodecs.Create(3, 2);
        var shards = Enumerable.Range(0, 5).Select(i => (Memory<byte>)new byte[] { (byte)i }).ToArray();
        codec.Reconstruct(shards, new[] { true, true, true, true, true });
        Assert.Equal(4, shards[4].Span[0]);

        var empty = Enumerable.Range(0, 5).Select(_ => (Memory<byte>)Array.Empty<byte>()).ToArray();
        codec.Encode(empty.Take(3).Select(s => (ReadOnlyMemory<byte>)s).ToArray(), empty.Skip(3).ToArray());
        codec.Reconstruct(empty, new[] { false, true, true, false, true });
    }

    [Fact]
    public void Mismatched_shapes_are_rejected()
    {
        var codec = ErasureCodecs.Create(2, 1);
        Assert.Throws<ArgumentException>(() => codec.Encode(new ReadOnlyMemory<byte>[] { new byte[4] }, new Memory<byte>[] { new byte[4] }));
        Assert.Throws<ArgumentException>(() => codec.Encode(new ReadOnlyMemory<byte>[] { new byte[4], new byte[5] }, new Memory<byte>[] { new byte[4] }));
        Assert.Throws<ArgumentException>(() => codec.Encode(new ReadOnlyMemory<byte>[] { new byte[4], new byte[4] }, new Memory<byte>[] { new byte[3] }));
        Assert.Throws<ArgumentException>(() => codec.Reconstruct(new Memory<byte>[] { new byte[4], new byte[4], new byte[5] }, new[] { true, false, true }));
        Assert.Throws<ArgumentException>(() => codec.Reconstruct(new Memory<byte>[] { new byte[4], new byte[4] }, new[] { true, false }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReedSolomonCodec(0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReedSolomonCodec(200, 57));
    }

    [Fact]
    public void Create_picks_the_fastest_supported_path()
    {
        var codec = (ReedSolomonCodec)ErasureCodecs.Create(8, 4);
        Assert.Equal(ErasureCodecs.BestPath, codec.Path);
        if (System.Runtime.Intrinsics.X86.Gfni.V512.IsSupported) Assert.Equal(CodecPath.Gfni, codec.Path);
        Assert.Contains(CodecPath.Portable, ErasureCodecs.SupportedPaths);
    }

    [Fact]
    public void Decode_cache_is_bounded_and_reused()
    {
        var codec = new ReedSolomonCodec(16, 8, ErasureCodecs.BestPath);
        var rng = new Random(8);
        var shards = Stripe.Encode(codec, Stripe.RandomData(rng, 16, 64));
        Stripe.EraseAndReconstruct(codec, shards, Stripe.Erase(new Random(1), 24, 3));
        Stripe.EraseAndReconstruct(codec, shards, Stripe.Erase(new Random(1), 24, 3));
        Assert.Equal(1, codec.CachedDecodePatterns);
        for (int i = 0; i < ReedSolomonCodec.DecodeCacheCapacity + 200; i++)
        {
            var present = Stripe.Erase(rng, 24, 1 + rng.Next(8));
            Stripe.AssertSame(shards, Stripe.EraseAndReconstruct(codec, shards, present), $"pattern {i}");
            Assert.True(codec.CachedDecodePatterns <= ReedSolomonCodec.DecodeCacheCapacity);
        }
    }

    [Fact]
    public void One_instance_is_safe_to_share_between_threads()
    {
        var codec = ErasureCodecs.Create(10, 4);
        var data = Stripe.RandomData(new Random(2), 10, 3000);
        var shards = Stripe.Encode(codec, data);
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var rng = new Random(i);
            var present = Stripe.Erase(rng, 14, 1 + rng.Next(4));
            Stripe.AssertSame(shards, Stripe.EraseAndReconstruct(codec, shards, present), $"iteration {i}");
            Stripe.AssertSame(shards, Stripe.Encode(codec, data), $"encode {i}");
        });
    }
}
