using System.Runtime.Intrinsics.X86;

namespace Cairn.Erasure;

/// <summary>
/// A systematic erasure code over GF(2^8): k data shards, m parity shards, any k of the k+m rebuild the rest.
/// Instances are immutable apart from an internal, bounded, thread-safe cache of decode matrices, so one
/// instance may be shared by any number of threads.
/// </summary>
public interface IErasureCodec
{
    /// <summary>k: the number of data shards.</summary>
    int DataShards { get; }

    /// <summary>m: the number of parity shards.</summary>
    int ParityShards { get; }

    /// <summary>
    /// Computes the m parity shards of k data shards. <paramref name="data"/>.Length == k,
    /// <paramref name="parity"/>.Length == m, every shard the same length (any length ≥ 0).
    /// Parity buffers are overwritten; they must not overlap the data.
    /// </summary>
    void Encode(ReadOnlySpan<ReadOnlyMemory<byte>> data, ReadOnlySpan<Memory<byte>> parity);

    /// <summary>
    /// Rebuilds, in place, every shard i with <c>present[i] == false</c> (data and parity) from the present ones.
    /// <paramref name="shards"/>.Length == k+m and every shard buffer has the same length, missing ones included.
    /// </summary>
    /// <exception cref="InsufficientShardsException">Fewer than k shards are present.</exception>
    void Reconstruct(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<bool> present);
}

/// <summary>Which multiply-accumulate kernel a codec uses. Every path produces identical bytes.</summary>
public enum CodecPath
{
    /// <summary>Scalar code with a 64 KiB multiplication table; runs anywhere.</summary>
    Portable,
    /// <summary>AVX2 split nibble tables with VPSHUFB on 32-byte vectors.</summary>
    Avx2,
    /// <summary>AVX-512BW split nibble tables with VPSHUFB on 64-byte vectors.</summary>
    Avx512,
    /// <summary>GF2P8AFFINEQB with one 8×8 bit matrix per coefficient (64-byte vectors when AVX-512 is there, else 32).</summary>
    Gfni,
}

/// <summary>Fewer than k shards survive, so the stripe cannot be rebuilt.</summary>
public sealed class InsufficientShardsException(int present, int required)
    : Exception($"Cannot reconstruct: {present} shard(s) present, at least {required} required.")
{
    public int Present { get; } = present;
    public int Required { get; } = required;
}

public static class ErasureCodecs
{
    /// <summary>A Reed–Solomon codec with k data and m parity shards on the fastest path this CPU supports.</summary>
    public static IErasureCodec Create(int k, int m) => new ReedSolomonCodec(k, m, BestPath);

    /// <summary>The fastest path this CPU supports.</summary>
    public static CodecPath BestPath =>
        IsSupported(CodecPath.Gfni) ? CodecPath.Gfni
        : IsSupported(CodecPath.Avx512) ? CodecPath.Avx512
        : IsSupported(CodecPath.Avx2) ? CodecPath.Avx2
        : CodecPath.Portable;

    /// <summary>Whether <paramref name="path"/> can run on this CPU.</summary>
    public static bool IsSupported(CodecPath path) => path switch
    {
        CodecPath.Portable => true,
        CodecPath.Avx2 => Avx2.IsSupported,
        CodecPath.Avx512 => Avx512BW.IsSupported,
        CodecPath.Gfni => Gfni.V512.IsSupported || (Gfni.V256.IsSupported && Avx2.IsSupported),
        _ => false,
    };

    /// <summary>Every path this CPU supports.</summary>
    public static IReadOnlyList<CodecPath> SupportedPaths =>
        Enum.GetValues<CodecPath>().Where(IsSupported).ToArray();
}
