namespace Cairn.Erasure.Tests;

/// <summary>Test helpers: random stripes, encoding, erasing.</summary>
internal static class Stripe
{
    public static byte[][] RandomData(Random rng, int k, int length)
    {
        var data = new byte[k][];
        for (int i = 0; i < k; i++) { data[i] = new byte[length]; rng.NextBytes(data[i]); }
        return data;
    }

    /// <summary>Encodes and returns all k+m shards (data copied).</summary>
    public static byte[][] Encode(IErasureCodec codec, byte[][] data)
    {
        int k = codec.DataShards, m = codec.ParityShards, len = data[0].Length;
        var shards = new byte[k + m][];
        for (int i = 0; i < k; i++) shards[i] = (byte[])data[i].Clone();
        for (int i = 0; i < m; i++) { shards[k + i] = new byte[len]; Array.Fill(shards[k + i], (byte)0xA5); }
        var input = shards.Take(k).Select(s => (ReadOnlyMemory<byte>)s).ToArray();
        var output = shards.Skip(k).Select(s => (Memory<byte>)s).ToArray();
        codec.Encode(input, output);
        return shards;
    }

    /// <summary>Copies the shards, scribbles over the erased ones, reconstructs, and returns the result.</summary>
    public static byte[][] EraseAndReconstruct(IErasureCodec codec, byte[][] shards, bool[] present, Random? scribble = null)
    {
        var copy = shards.Select(s => (byte[])s.Clone()).ToArray();
        for (int i = 0; i < copy.Length; i++)
            if (!present[i])
            {
                if (scribble is null) Array.Fill(copy[i], (byte)0xEE); else scribble.NextBytes(copy[i]);
            }
        codec.Reconstruct(copy.Select(s => (Memory<byte>)s).ToArray(), present);
        return copy;
    }

    public static bool[] Erase(Random rng, int total, int count)
    {
        var present = Enumerable.Repeat(true, total).ToArray();
        foreach (int i in Enumerable.Range(0, total).OrderBy(_ => rng.Next()).Take(count)) present[i] = false;
        return present;
    }

    public static void AssertSame(byte[][] expected, byte[][] actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i].AsSpan().SequenceEqual(actual[i])) continue;
            int at = 0;
            while (expected[i][at] == actual[i][at]) at++;
            Assert.Fail($"{context}: shard {i} differs first at byte {at} of {expected[i].Length} (expected {expected[i][at]:x2}, got {actual[i][at]:x2})");
        }
    }

    public static IEnumerable<bool[]> AllErasures(int total, int maxErased)
    {
        for (int mask = 0; mask < 1 << total; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) > maxErased) continue;
            var present = new bool[total];
            for (int i = 0; i < total; i++) present[i] = (mask & (1 << i)) == 0;
            yield return present;
        }
    }
}
