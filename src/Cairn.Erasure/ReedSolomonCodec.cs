using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

[module: SkipLocalsInit]

namespace Cairn.Erasure;

/// <summary>
/// Reed–Solomon over GF(2^8) (polynomial 0x11D) with a systematic Cauchy generator — the same matrix as ISA-L's
/// <c>gf_gen_cauchy1_matrix</c>, so parity is byte-identical to ISA-L's — for which any k of the k+m shards
/// rebuild the stripe. Decode matrices are cached per erasure pattern on the instance (bounded, thread-safe).
/// </summary>
public sealed unsafe class ReedSolomonCodec : IErasureCodec
{
    /// <summary>Erasure patterns whose decode matrices are kept; the cache is emptied when it fills.</summary>
    public const int DecodeCacheCapacity = 1024;

    private readonly int _k;
    private readonly int _m;
    private readonly byte[] _generator;           // (k+m)×k, identity on top
    private readonly CoefficientMatrix _encode;   // m×k parity rows
    private readonly ConcurrentDictionary<PatternKey, DecodePlan> _decodeCache = new();

    public ReedSolomonCodec(int k, int m) : this(k, m, ErasureCodecs.BestPath) { }

    public ReedSolomonCodec(int k, int m, CodecPath path)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        if (k + m > 256) throw new ArgumentOutOfRangeException(nameof(m), "k + m must be at most 256 in GF(2^8).");
        if (!ErasureCodecs.IsSupported(path)) throw new PlatformNotSupportedException($"Codec path {path} is not supported on this CPU.");
        _k = k;
        _m = m;
        Path = path;
        _generator = GaloisField.CauchyGenerator(k, m);
        _encode = new CoefficientMatrix(_generator.AsSpan(k * k).ToArray(), m, k, path);
    }

    public int DataShards => _k;
    public int ParityShards => _m;
    public CodecPath Path { get; }

    /// <summary>The (k+m)×k generator matrix, row-major (a copy).</summary>
    public byte[] GeneratorMatrix => (byte[])_generator.Clone();

    /// <summary>Decode matrices currently cached (for tests and diagnostics).</summary>
    public int CachedDecodePatterns => _decodeCache.Count;

    public void Encode(ReadOnlySpan<ReadOnlyMemory<byte>> data, ReadOnlySpan<Memory<byte>> parity)
    {
        if (data.Length != _k) throw new ArgumentException($"Expected {_k} data shards, got {data.Length}.", nameof(data));
        if (parity.Length != _m) throw new ArgumentException($"Expected {_m} parity shards, got {parity.Length}.", nameof(parity));
        int length = data[0].Length;
        for (int i = 1; i < _k; i++)
            if (data[i].Length != length) throw new ArgumentException("All shards must have the same length.", nameof(data));
        for (int i = 0; i < _m; i++)
            if (parity[i].Length != length) throw new ArgumentException("All shards must have the same length.", nameof(parity));
        if (_m == 0 || length == 0) return;

        var handles = ArrayPool<MemoryHandle>.Shared.Rent(_k + _m);
        try
        {
            byte** inputs = stackalloc byte*[_k];
            byte** outputs = stackalloc byte*[_m];
            for (int i = 0; i < _k; i++) { handles[i] = data[i].Pin(); inputs[i] = (byte*)handles[i].Pointer; }
            for (int i = 0; i < _m; i++) { handles[_k + i] = parity[i].Pin(); outputs[i] = (byte*)handles[_k + i].Pointer; }
            Kernels.MatMul(_encode, inputs, outputs, length);
        }
        finally
        {
            for (int i = 0; i < _k + _m; i++) handles[i].Dispose();
            ArrayPool<MemoryHandle>.Shared.Return(handles, clearArray: true);
        }
    }

    public void Reconstruct(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<bool> present)
    {
        int total = _k + _m;
        if (shards.Length != total) throw new ArgumentException($"Expected {total} shards, got {shards.Length}.", nameof(shards));
        if (present.Length != total) throw new ArgumentException($"Expected {total} presence flags, got {present.Length}.", nameof(present));
        int count = 0;
        for (int i = 0; i < total; i++) if (present[i]) count++;
        if (count < _k) throw new InsufficientShardsException(count, _k);
        if (count == total) return;
        int length = shards[0].Length;
        for (int i = 1; i < total; i++)
            if (shards[i].Length != length) throw new ArgumentException("All shards (missing ones included) must have the same length.", nameof(shards));
        if (length == 0) return;

        var key = PatternKey.From(present);
        if (!_decodeCache.TryGetValue(key, out var plan))
        {
            plan = BuildPlan(present);
            if (_decodeCache.Count >= DecodeCacheCapacity) _decodeCache.Clear();
            _decodeCache.TryAdd(key, plan);
        }

        int missing = plan.Missing.Length;
        var handles = ArrayPool<MemoryHandle>.Shared.Rent(_k + missing);
        try
        {
            byte** inputs = stackalloc byte*[_k];
            byte** outputs = stackalloc byte*[missing];
            for (int i = 0; i < _k; i++) { handles[i] = shards[plan.Survivors[i]].Pin(); inputs[i] = (byte*)handles[i].Pointer; }
            for (int i = 0; i < missing; i++) { handles[_k + i] = shards[plan.Missing[i]].Pin(); outputs[i] = (byte*)handles[_k + i].Pointer; }
            Kernels.MatMul(plan.Matrix, inputs, outputs, length);
        }
        finally
        {
            for (int i = 0; i < _k + missing; i++) handles[i].Dispose();
            ArrayPool<MemoryHandle>.Shared.Return(handles, clearArray: true);
        }
    }

    /// <summary>
    /// Survivors = the first k present shards; S = their generator rows; D = S⁻¹ maps survivors to data.
    /// A missing data shard d is row d of D; a missing parity shard p is (generator row p) × D.
    /// </summary>
    private DecodePlan BuildPlan(ReadOnlySpan<bool> present)
    {
        int k = _k, total = _k + _m;
        var survivors = new int[k];
        var missing = new List<int>();
        for (int i = 0, s = 0; i < total; i++)
        {
            if (present[i]) { if (s < k) survivors[s++] = i; }
            else missing.Add(i);
        }
        var sub = new byte[k * k];
        for (int r = 0; r < k; r++)
            Array.Copy(_generator, survivors[r] * k, sub, r * k, k);
        var inv = GaloisField.Invert(sub, k);

        var coeffs = new byte[missing.Count * k];
        for (int r = 0; r < missing.Count; r++)
        {
            int target = missing[r];
            for (int j = 0; j < k; j++)
            {
                byte acc = 0;
                for (int t = 0; t < k; t++)
                    acc ^= GaloisField.Mul(_generator[target * k + t], inv[t * k + j]);
                coeffs[r * k + j] = acc;
            }
        }
        return new DecodePlan(survivors, missing.ToArray(), new CoefficientMatrix(coeffs, missing.Count, k, Path));
    }

    private sealed record DecodePlan(int[] Survivors, int[] Missing, CoefficientMatrix Matrix);

    /// <summary>Presence bitmap of up to 256 shards.</summary>
    private readonly record struct PatternKey(ulong A, ulong B, ulong C, ulong D)
    {
        public static PatternKey From(ReadOnlySpan<bool> present)
        {
            Span<ulong> w = stackalloc ulong[4];
            w.Clear();
            for (int i = 0; i < present.Length; i++)
                if (present[i]) w[i >> 6] |= 1UL << (i & 63);
            return new PatternKey(w[0], w[1], w[2], w[3]);
        }
    }
}
