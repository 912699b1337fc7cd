using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace Cairn.Erasure.Benchmarks;

public enum Impl { Portable, Avx2, Avx512, Gfni, IsaL }

/// <summary>
/// One 1 MiB stripe (k shards of ⌊1 MiB / k⌋ bytes), single thread. Encode computes m parity shards;
/// Reconstruct2 rebuilds data shards 0 and 1 from the first k survivors. Throughput counts data bytes in.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
[Config(typeof(ThroughputConfig))]
public unsafe class ErasureBenchmarks
{
    public const int StripeBytes = 1 << 20;

    [Params("4+2", "8+4", "12+4")]
    public string Code { get; set; } = "4+2";

    [ParamsAllValues]
    public Impl Impl { get; set; }

    private int _k, _m, _len;
    private byte[] _buffer = [];           // pinned, every shard 64-byte aligned
    private Memory<byte>[] _shards = [];
    private ReadOnlyMemory<byte>[] _data = [];
    private Memory<byte>[] _parity = [];
    private bool[] _present = [];
    private ReedSolomonCodec? _codec;
    private byte** _ptrs;                  // k + m shard pointers
    private byte** _survivors;             // first k present shards when 0 and 1 are lost
    private byte* _encodeMatrix;           // ISA-L (k+m)×k
    private byte* _encodeTables;           // ISA-L m×k×32
    private byte* _decodeScratch;          // k×k sub + k×k inverse + 2×k×32 tables

    public static (int K, int M) Parse(string code)
    {
        var parts = code.Split('+');
        return (int.Parse(parts[0]), int.Parse(parts[1]));
    }

    public static long DataBytes(string code) { var (k, _) = Parse(code); return (long)k * (StripeBytes / k); }

    [GlobalSetup]
    public void Setup()
    {
        (_k, _m) = Parse(Code);
        _len = StripeBytes / _k;
        int slot = (_len + 63) & ~63;
        int total = _k + _m;
        _buffer = GC.AllocateArray<byte>(total * slot + 64, pinned: true);
        fixed (byte* b = _buffer)
        {
            int start = (int)((64 - ((nint)b & 63)) & 63);
            _shards = Enumerable.Range(0, total).Select(i => _buffer.AsMemory(start + i * slot, _len)).ToArray();
            _ptrs = (byte**)NativeMemory.Alloc((nuint)(total * sizeof(byte*)));
            for (int i = 0; i < total; i++) _ptrs[i] = b + start + i * slot;
        }
        var rng = new Random(42);
        foreach (var shard in _shards) rng.NextBytes(shard.Span);
        _data = _shards.Take(_k).Select(s => (ReadOnlyMemory<byte>)s).ToArray();
        _parity = _shards.Skip(_k).ToArray();
        _present = Enumerable.Range(0, total).Select(i => i >= 2).ToArray();
        _survivors = (byte**)NativeMemory.Alloc((nuint)(_k * sizeof(byte*)));
        for (int i = 0; i < _k; i++) _survivors[i] = _ptrs[i + 2];

        if (Impl == Impl.IsaL)
        {
            _encodeMatrix = (byte*)NativeMemory.AlignedAlloc((nuint)(total * _k), 64);
            _encodeTables = (byte*)NativeMemory.AlignedAlloc((nuint)(_m * _k * 32), 64);
            _decodeScratch = (byte*)NativeMemory.AlignedAlloc((nuint)(2 * _k * _k + 2 * _k * 32), 64);
            IsaL.GenCauchy1Matrix(_encodeMatrix, total, _k);
            IsaL.InitTables(_k, _m, _encodeMatrix + _k * _k, _encodeTables);
        }
        else
        {
            _codec = new ReedSolomonCodec(_k, _m, (CodecPath)(int)Impl);
        }
        Encode();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.Free(_ptrs);
        NativeMemory.Free(_survivors);
        NativeMemory.AlignedFree(_encodeMatrix);
        NativeMemory.AlignedFree(_encodeTables);
        NativeMemory.AlignedFree(_decodeScratch);
        _encodeMatrix = _encodeTables = _decodeScratch = null;
    }

    /// <summary>All k+m shards, concatenated (for --verify).</summary>
    internal byte[] Snapshot() => _shards.SelectMany(s => s.ToArray()).ToArray();

    /// <summary>Overwrites data shards 0 and 1 (for --verify).</summary>
    internal void Scribble() { _shards[0].Span.Fill(0xEE); _shards[1].Span.Fill(0x11); }

    [Benchmark]
    public void Encode()
    {
        if (_codec is not null) _codec.Encode(_data, _parity);
        else IsaL.EncodeData(_len, _k, _m, _encodeTables, _ptrs, _ptrs + _k);
    }

    [Benchmark]
    public void Reconstruct2()
    {
        if (_codec is not null) { _codec.Reconstruct(_shards, _present); return; }
        // As ISA-L's erasure_code examples: invert the survivors' rows, take the lost rows, build tables, encode.
        byte* sub = _decodeScratch, inv = sub + _k * _k, tables = inv + _k * _k;
        for (int r = 0; r < _k; r++)
            new ReadOnlySpan<byte>(_encodeMatrix + (r + 2) * _k, _k).CopyTo(new Span<byte>(sub + r * _k, _k));
        if (IsaL.InvertMatrix(sub, inv, _k) != 0) throw new InvalidOperationException("singular");
        IsaL.InitTables(_k, 2, inv, tables); // rows 0 and 1 of the inverse rebuild data shards 0 and 1
        IsaL.EncodeData(_len, _k, 2, tables, _survivors, _ptrs);
    }
}
