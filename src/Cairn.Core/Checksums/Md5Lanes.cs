using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Cairn.Core.Checksums;

/// <summary>
/// Eight independent MD5 streams compressed side by side, one per 32-bit lane of a 256-bit register
/// (multi-buffer hashing, as MinIO's md5-simd and ISA-L's md5_mb do). One MD5 stream is a chain of
/// dependent steps that no SIMD can shorten, but eight chains cost little more than one, so uploads
/// in flight together share the ETag's cost. 256-bit rather than 512-bit registers: on this kind of
/// CPU a 512-bit step is slower per lane, and eight uploads at once are already plenty.
/// </summary>
[SkipLocalsInit]
public static unsafe class Md5Lanes
{
    public const int Lanes = 8;

    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Message word used by each of the 64 steps (RFC 1321).</summary>
    private static ReadOnlySpan<byte> Word =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        1, 6, 11, 0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12,
        5, 8, 11, 14, 1, 4, 7, 10, 13, 0, 3, 6, 9, 12, 15, 2,
        0, 7, 14, 5, 12, 3, 10, 1, 8, 15, 6, 13, 4, 11, 2, 9,
    ];

    /// <summary>
    /// Compresses <paramref name="blocks"/> consecutive 64-byte blocks in each lane. <paramref name="state"/>
    /// holds A[8], B[8], C[8], D[8]; lane j reads from <paramref name="lanes"/>[j], advancing by
    /// <paramref name="strides"/>[j] bytes per block (0 parks an idle lane on one block whose result is ignored).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from its first call: skip the unoptimized tier
    public static void Compress(Span<uint> state, ReadOnlySpan<nint> lanes, ReadOnlySpan<int> strides, int blocks)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("MD5 lanes need AVX2.");
        if (state.Length != 4 * Lanes || lanes.Length != Lanes || strides.Length != Lanes) throw new ArgumentException("Eight lanes are required.");
        var pointers = stackalloc byte*[Lanes];
        for (var j = 0; j < Lanes; j++) pointers[j] = (byte*)lanes[j];
        var m = stackalloc Vector256<uint>[16];
        var t = Md5Block.T;
        var word = Word;
        ref var s0 = ref state[0];
        var a = Vector256.LoadUnsafe(ref s0);
        var b = Vector256.LoadUnsafe(ref s0, Lanes);
        var c = Vector256.LoadUnsafe(ref s0, 2 * Lanes);
        var d = Vector256.LoadUnsafe(ref s0, 3 * Lanes);
        for (var block = 0; block < blocks; block++)
        {
            LoadWords(pointers, m, 0);
            LoadWords(pointers, m, 8);
            for (var j = 0; j < Lanes; j++) pointers[j] += strides[j];
            var (a0, b0, c0, d0) = (a, b, c, d);
            for (var i = 0; i < 16; i += 4)
            {
                a = Step(a, b, F(b, c, d), m[word[i]] + Vector256.Create(t[i]), 7);
                d = Step(d, a, F(a, b, c), m[word[i + 1]] + Vector256.Create(t[i + 1]), 12);
                c = Step(c, d, F(d, a, b), m[word[i + 2]] + Vector256.Create(t[i + 2]), 17);
                b = Step(b, c, F(c, d, a), m[word[i + 3]] + Vector256.Create(t[i + 3]), 22);
            }
            for (var i = 16; i < 32; i += 4)
            {
                a = Step(a, b, G(b, c, d), m[word[i]] + Vector256.Create(t[i]), 5);
                d = Step(d, a, G(a, b, c), m[word[i + 1]] + Vector256.Create(t[i + 1]), 9);
                c = Step(c, d, G(d, a, b), m[word[i + 2]] + Vector256.Create(t[i + 2]), 14);
                b = Step(b, c, G(c, d, a), m[word[i + 3]] + Vector256.Create(t[i + 3]), 20);
            }
            for (var i = 32; i < 48; i += 4)
            {
                a = Step(a, b, b ^ c ^ d, m[word[i]] + Vector256.Create(t[i]), 4);
                d = Step(d, a, a ^ b ^ c, m[word[i + 1]] + Vector256.Create(t[i + 1]), 11);
                c = Step(c, d, d ^ a ^ b, m[word[i + 2]] + Vector256.Create(t[i + 2]), 16);
                b = Step(b, c, c ^ d ^ a, m[word[i + 3]] + Vector256.Create(t[i + 3]), 23);
            }
            for (var i = 48; i < 64; i += 4)
            {
                a = Step(a, b, I(b, c, d), m[word[i]] + Vector256.Create(t[i]), 6);
                d = Step(d, a, I(a, b, c), m[word[i + 1]] + Vector256.Create(t[i + 1]), 10);
                c = Step(c, d, I(d, a, b), m[word[i + 2]] + Vector256.Create(t[i + 2]), 15);
                b = Step(b, c, I(c, d, a), m[word[i + 3]] + Vector256.Create(t[i + 3]), 21);
            }
            a += a0; b += b0; c += c0; d += d0;
        }
        a.StoreUnsafe(ref s0);
        b.StoreUnsafe(ref s0, Lanes);
        c.StoreUnsafe(ref s0, 2 * Lanes);
        d.StoreUnsafe(ref s0, 3 * Lanes);
    }

    // The round functions; with AVX-512VL each is one ternary-logic instruction.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> F(Vector256<uint> b, Vector256<uint> c, Vector256<uint> d) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(b, c, d, 0xCA) : (b & c) | Vector256.AndNot(d, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> G(Vector256<uint> b, Vector256<uint> c, Vector256<uint> d) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(b, c, d, 0xE4) : (b & d) | Vector256.AndNot(c, d);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> I(Vector256<uint> b, Vector256<uint> c, Vector256<uint> d) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(b, c, d, 0x39) : c ^ (b | ~d);

    /// <summary>One MD5 step: b + rotl(a + f + word + T[i], s).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Step(Vector256<uint> a, Vector256<uint> b, Vector256<uint> f, Vector256<uint> wordPlusT, [ConstantExpected] byte shift)
    {
        var sum = a + f + wordPlusT;
        var rotated = Avx512F.VL.IsSupported
            ? Avx512F.VL.RotateLeft(sum, shift)
            : Vector256.ShiftLeft(sum, shift) | Vector256.ShiftRightLogical(sum, 32 - shift);
        return rotated + b;
    }

    /// <summary>
    /// Words first..first+7 of every lane's current block into m[first..first+7]: an 8×8 transpose by
    /// 32-bit and 64-bit unpacks within 128-bit halves, then half swaps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadWords(byte** lanes, Vector256<uint>* m, int first)
    {
        var offset = first * sizeof(uint);
        var t0 = Avx2.UnpackLow(Row(lanes[0], offset), Row(lanes[1], offset)).AsUInt64();
        var t1 = Avx2.UnpackHigh(Row(lanes[0], offset), Row(lanes[1], offset)).AsUInt64();
        var t2 = Avx2.UnpackLow(Row(lanes[2], offset), Row(lanes[3], offset)).AsUInt64();
        var t3 = Avx2.UnpackHigh(Row(lanes[2], offset), Row(lanes[3], offset)).AsUInt64();
        var t4 = Avx2.UnpackLow(Row(lanes[4], offset), Row(lanes[5], offset)).AsUInt64();
        var t5 = Avx2.UnpackHigh(Row(lanes[4], offset), Row(lanes[5], offset)).AsUInt64();
        var t6 = Avx2.UnpackLow(Row(lanes[6], offset), Row(lanes[7], offset)).AsUInt64();
        var t7 = Avx2.UnpackHigh(Row(lanes[6], offset), Row(lanes[7], offset)).AsUInt64();
        // u_k: words k (low half) and k + 4 (high half) of four lanes
        var u0 = Avx2.UnpackLow(t0, t2).AsUInt32();
        var u1 = Avx2.UnpackHigh(t0, t2).AsUInt32();
        var u2 = Avx2.UnpackLow(t1, t3).AsUInt32();
        var u3 = Avx2.UnpackHigh(t1, t3).AsUInt32();
        var u4 = Avx2.UnpackLow(t4, t6).AsUInt32();
        var u5 = Avx2.UnpackHigh(t4, t6).AsUInt32();
        var u6 = Avx2.UnpackLow(t5, t7).AsUInt32();
        var u7 = Avx2.UnpackHigh(t5, t7).AsUInt32();
        m[first] = Avx2.Permute2x128(u0, u4, 0x20);
        m[first + 1] = Avx2.Permute2x128(u1, u5, 0x20);
        m[first + 2] = Avx2.Permute2x128(u2, u6, 0x20);
        m[first + 3] = Avx2.Permute2x128(u3, u7, 0x20);
        m[first + 4] = Avx2.Permute2x128(u0, u4, 0x31);
        m[first + 5] = Avx2.Permute2x128(u1, u5, 0x31);
        m[first + 6] = Avx2.Permute2x128(u2, u6, 0x31);
        m[first + 7] = Avx2.Permute2x128(u3, u7, 0x31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Row(byte* lane, int offset) => Vector256.Load((uint*)(lane + offset));
}
