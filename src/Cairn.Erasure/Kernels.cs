using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Cairn.Erasure;

/// <summary>Output-count constants: the JIT specializes each kernel per count so the accumulators live in registers.</summary>
internal interface ICount { static abstract int N { get; } }
internal struct N1 : ICount { public static int N => 1; }
internal struct N2 : ICount { public static int N => 2; }
internal struct N3 : ICount { public static int N => 3; }
internal struct N4 : ICount { public static int N => 4; }
internal struct N5 : ICount { public static int N => 5; }
internal struct N6 : ICount { public static int N => 6; }
internal struct N7 : ICount { public static int N => 7; }
internal struct N8 : ICount { public static int N => 8; }

/// <summary>
/// out[r] = Σ_i coeff[r,i] · in[i] over GF(2^8), for r outputs and n inputs of equal length.
/// The SIMD kernels walk the columns once: each input vector is loaded once and multiplied into up to
/// eight outputs whose accumulators stay in registers, then each output vector is stored once.
/// </summary>
internal static unsafe class Kernels
{
    /// <summary>Outputs one SIMD pass accumulates at most.</summary>
    private const int MaxGroup = 8;
    /// <summary>Columns per block when more than one pass is needed, so the inputs are re-read from cache.</summary>
    private const int BlockBytes = 16 * 1024;

    public static void MatMul(CoefficientMatrix t, byte** inputs, byte** outputs, nint length)
    {
        if (t.Rows == 0 || length == 0) return;
        nint step = t.Path switch
        {
            CodecPath.Avx2 => 32,
            CodecPath.Avx512 => 128,
            CodecPath.Gfni => t.Wide ? 128 : 64,
            _ => 0,
        };
        nint vecEnd = step == 0 ? 0 : length - length % step;
        if (vecEnd > 0)
        {
            int groups = (t.Rows + MaxGroup - 1) / MaxGroup;
            nint block = groups == 1 ? vecEnd : BlockBytes;
            for (nint start = 0; start < vecEnd; start += block)
            {
                nint end = Math.Min(start + block, vecEnd);
                for (int g = 0; g < t.Rows; g += MaxGroup)
                    RunGroup(t, inputs, outputs + g, g, Math.Min(MaxGroup, t.Rows - g), start, end);
            }
        }
        if (vecEnd < length) Portable(t, inputs, outputs, vecEnd, length);
    }

    private static void RunGroup(CoefficientMatrix t, byte** inp, byte** outp, int firstRow, int count, nint start, nint end)
    {
        byte* tab = t.Tables + firstRow * t.Stride;
        nint rowStride = (nint)t.Rows * t.Stride;
        int n = t.Cols;
        switch (t.Path)
        {
            case CodecPath.Avx2:
                switch (count)
                {
                    case 1: Avx2Kernel<N1>(inp, n, outp, tab, rowStride, start, end); break;
                    case 2: Avx2Kernel<N2>(inp, n, outp, tab, rowStride, start, end); break;
                    case 3: Avx2Kernel<N3>(inp, n, outp, tab, rowStride, start, end); break;
                    case 4: Avx2Kernel<N4>(inp, n, outp, tab, rowStride, start, end); break;
                    case 5: Avx2Kernel<N5>(inp, n, outp, tab, rowStride, start, end); break;
                    case 6: Avx2Kernel<N6>(inp, n, outp, tab, rowStride, start, end); break;
                    case 7: Avx2Kernel<N7>(inp, n, outp, tab, rowStride, start, end); break;
                    default: Avx2Kernel<N8>(inp, n, outp, tab, rowStride, start, end); break;
                }
                break;
            case CodecPath.Avx512:
                switch (count)
                {
                    case 1: Avx512Kernel<N1>(inp, n, outp, tab, rowStride, start, end); break;
                    case 2: Avx512Kernel<N2>(inp, n, outp, tab, rowStride, start, end); break;
                    case 3: Avx512Kernel<N3>(inp, n, outp, tab, rowStride, start, end); break;
                    case 4: Avx512Kernel<N4>(inp, n, outp, tab, rowStride, start, end); break;
                    case 5: Avx512Kernel<N5>(inp, n, outp, tab, rowStride, start, end); break;
                    case 6: Avx512Kernel<N6>(inp, n, outp, tab, rowStride, start, end); break;
                    case 7: Avx512Kernel<N7>(inp, n, outp, tab, rowStride, start, end); break;
                    default: Avx512Kernel<N8>(inp, n, outp, tab, rowStride, start, end); break;
                }
                break;
            case CodecPath.Gfni when t.Wide:
                switch (count)
                {
                    case 1: Gfni512Kernel<N1>(inp, n, outp, tab, rowStride, start, end); break;
                    case 2: Gfni512Kernel<N2>(inp, n, outp, tab, rowStride, start, end); break;
                    case 3: Gfni512Kernel<N3>(inp, n, outp, tab, rowStride, start, end); break;
                    case 4: Gfni512Kernel<N4>(inp, n, outp, tab, rowStride, start, end); break;
                    case 5: Gfni512Kernel<N5>(inp, n, outp, tab, rowStride, start, end); break;
                    case 6: Gfni512Kernel<N6>(inp, n, outp, tab, rowStride, start, end); break;
                    case 7: Gfni512Kernel<N7>(inp, n, outp, tab, rowStride, start, end); break;
                    default: Gfni512Kernel<N8>(inp, n, outp, tab, rowStride, start, end); break;
                }
                break;
            case CodecPath.Gfni:
                switch (count)
                {
                    case 1: Gfni256Kernel<N1>(inp, n, outp, tab, rowStride, start, end); break;
                    case 2: Gfni256Kernel<N2>(inp, n, outp, tab, rowStride, start, end); break;
                    case 3: Gfni256Kernel<N3>(inp, n, outp, tab, rowStride, start, end); break;
                    case 4: Gfni256Kernel<N4>(inp, n, outp, tab, rowStride, start, end); break;
                    case 5: Gfni256Kernel<N5>(inp, n, outp, tab, rowStride, start, end); break;
                    case 6: Gfni256Kernel<N6>(inp, n, outp, tab, rowStride, start, end); break;
                    case 7: Gfni256Kernel<N7>(inp, n, outp, tab, rowStride, start, end); break;
                    default: Gfni256Kernel<N8>(inp, n, outp, tab, rowStride, start, end); break;
                }
                break;
            default:
                throw new InvalidOperationException($"No SIMD kernel for {t.Path}.");
        }
    }

    // ---------------------------------------------------------------- portable

    /// <summary>Scalar reference: columns [start, end) of every output, via the 64 KiB multiplication table.</summary>
    public static void Portable(CoefficientMatrix t, byte** inp, byte** outp, nint start, nint end)
    {
        const int block = 4096;
        byte* mul = (byte*)Unsafe.AsPointer(ref GaloisField.MulTable[0]); // pinned (POH)
        int n = t.Cols;
        fixed (byte* coeffs = t.Coeffs)
        {
            for (nint b = start; b < end; b += block)
            {
                nint e = Math.Min(b + block, end);
                for (int r = 0; r < t.Rows; r++)
                {
                    byte* o = outp[r];
                    for (int i = 0; i < n; i++)
                    {
                        byte* src = inp[i];
                        byte c = coeffs[r * n + i];
                        byte* row = mul + (c << 8);
                        if (i == 0)
                        {
                            if (c == 1) new ReadOnlySpan<byte>(src + b, (int)(e - b)).CopyTo(new Span<byte>(o + b, (int)(e - b)));
                            else MulWords(row, src, o, b, e, accumulate: false);
                        }
                        else if (c == 1)
                        {
                            nint j = b;
                            for (; j + 8 <= e; j += 8)
                                Unsafe.WriteUnaligned(o + j, Unsafe.ReadUnaligned<ulong>(o + j) ^ Unsafe.ReadUnaligned<ulong>(src + j));
                            for (; j < e; j++) o[j] ^= src[j];
                        }
                        else if (c != 0)
                        {
                            MulWords(row, src, o, b, e, accumulate: true);
                        }
                    }
                }
            }
        }
    }

    /// <summary>o[j] (^)= row[src[j]] for j in [b, e), eight bytes per load and store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MulWords(byte* row, byte* src, byte* o, nint b, nint e, bool accumulate)
    {
        nint j = b;
        for (; j + 8 <= e; j += 8)
        {
            ulong v = Unsafe.ReadUnaligned<ulong>(src + j);
            if (!BitConverter.IsLittleEndian) v = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v);
            ulong p = row[(byte)v]
                | (ulong)row[(byte)(v >> 8)] << 8
                | (ulong)row[(byte)(v >> 16)] << 16
                | (ulong)row[(byte)(v >> 24)] << 24
                | (ulong)row[(byte)(v >> 32)] << 32
                | (ulong)row[(byte)(v >> 40)] << 40
                | (ulong)row[(byte)(v >> 48)] << 48
                | (ulong)row[(byte)(v >> 56)] << 56;
            if (!BitConverter.IsLittleEndian) p = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(p);
            if (accumulate) p ^= Unsafe.ReadUnaligned<ulong>(o + j);
            Unsafe.WriteUnaligned(o + j, p);
        }
        for (; j < e; j++) o[j] = accumulate ? (byte)(o[j] ^ row[src[j]]) : row[src[j]];
    }

    // ---------------------------------------------------------------- AVX2 split tables

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Avx2Kernel<T>(byte** inp, int n, byte** outp, byte* tab, nint rowStride, nint start, nint end)
        where T : struct, ICount
    {
        byte* o0 = outp[0];
        byte* o1 = T.N > 1 ? outp[1] : null;
        byte* o2 = T.N > 2 ? outp[2] : null;
        byte* o3 = T.N > 3 ? outp[3] : null;
        byte* o4 = T.N > 4 ? outp[4] : null;
        byte* o5 = T.N > 5 ? outp[5] : null;
        byte* o6 = T.N > 6 ? outp[6] : null;
        byte* o7 = T.N > 7 ? outp[7] : null;
        var mask = Vector256.Create((byte)0x0F);
        for (nint off = start; off < end; off += 32)
        {
            Vector256<byte> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<byte> a4 = default, a5 = default, a6 = default, a7 = default;
            byte* t = tab;
            for (int i = 0; i < n; i++, t += rowStride)
            {
                var x = Vector256.Load(inp[i] + off);
                var lo = x & mask;
                var hi = Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & mask;
                a0 ^= Avx2.Shuffle(Vector256.Load(t), lo) ^ Avx2.Shuffle(Vector256.Load(t + 32), hi);
                if (T.N > 1) a1 ^= Avx2.Shuffle(Vector256.Load(t + 64), lo) ^ Avx2.Shuffle(Vector256.Load(t + 96), hi);
                if (T.N > 2) a2 ^= Avx2.Shuffle(Vector256.Load(t + 128), lo) ^ Avx2.Shuffle(Vector256.Load(t + 160), hi);
                if (T.N > 3) a3 ^= Avx2.Shuffle(Vector256.Load(t + 192), lo) ^ Avx2.Shuffle(Vector256.Load(t + 224), hi);
                if (T.N > 4) a4 ^= Avx2.Shuffle(Vector256.Load(t + 256), lo) ^ Avx2.Shuffle(Vector256.Load(t + 288), hi);
                if (T.N > 5) a5 ^= Avx2.Shuffle(Vector256.Load(t + 320), lo) ^ Avx2.Shuffle(Vector256.Load(t + 352), hi);
                if (T.N > 6) a6 ^= Avx2.Shuffle(Vector256.Load(t + 384), lo) ^ Avx2.Shuffle(Vector256.Load(t + 416), hi);
                if (T.N > 7) a7 ^= Avx2.Shuffle(Vector256.Load(t + 448), lo) ^ Avx2.Shuffle(Vector256.Load(t + 480), hi);
            }
            a0.Store(o0 + off);
            if (T.N > 1) a1.Store(o1 + off);
            if (T.N > 2) a2.Store(o2 + off);
            if (T.N > 3) a3.Store(o3 + off);
            if (T.N > 4) a4.Store(o4 + off);
            if (T.N > 5) a5.Store(o5 + off);
            if (T.N > 6) a6.Store(o6 + off);
            if (T.N > 7) a7.Store(o7 + off);
        }
    }

    // ---------------------------------------------------------------- AVX-512BW split tables

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Mul512(byte* t, Vector512<byte> lo, Vector512<byte> hi) =>
        Avx512BW.Shuffle(Vector512.Load(t), lo) ^ Avx512BW.Shuffle(Vector512.Load(t + 64), hi);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Avx512Kernel<T>(byte** inp, int n, byte** outp, byte* tab, nint rowStride, nint start, nint end)
        where T : struct, ICount
    {
        byte* o0 = outp[0];
        byte* o1 = T.N > 1 ? outp[1] : null;
        byte* o2 = T.N > 2 ? outp[2] : null;
        byte* o3 = T.N > 3 ? outp[3] : null;
        byte* o4 = T.N > 4 ? outp[4] : null;
        byte* o5 = T.N > 5 ? outp[5] : null;
        byte* o6 = T.N > 6 ? outp[6] : null;
        byte* o7 = T.N > 7 ? outp[7] : null;
        var mask = Vector512.Create((byte)0x0F);
        for (nint off = start; off < end; off += 128)
        {
            Vector512<byte> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector512<byte> a4 = default, a5 = default, a6 = default, a7 = default;
            Vector512<byte> b0 = default, b1 = default, b2 = default, b3 = default;
            Vector512<byte> b4 = default, b5 = default, b6 = default, b7 = default;
            byte* t = tab;
            for (int i = 0; i < n; i++, t += rowStride)
            {
                byte* src = inp[i] + off;
                var x = Vector512.Load(src);
                var y = Vector512.Load(src + 64);
                var xl = x & mask;
                var xh = Avx512BW.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & mask;
                var yl = y & mask;
                var yh = Avx512BW.ShiftRightLogical(y.AsUInt16(), 4).AsByte() & mask;
                a0 ^= Mul512(t, xl, xh); b0 ^= Mul512(t, yl, yh);
                if (T.N > 1) { a1 ^= Mul512(t + 128, xl, xh); b1 ^= Mul512(t + 128, yl, yh); }
                if (T.N > 2) { a2 ^= Mul512(t + 256, xl, xh); b2 ^= Mul512(t + 256, yl, yh); }
                if (T.N > 3) { a3 ^= Mul512(t + 384, xl, xh); b3 ^= Mul512(t + 384, yl, yh); }
                if (T.N > 4) { a4 ^= Mul512(t + 512, xl, xh); b4 ^= Mul512(t + 512, yl, yh); }
                if (T.N > 5) { a5 ^= Mul512(t + 640, xl, xh); b5 ^= Mul512(t + 640, yl, yh); }
                if (T.N > 6) { a6 ^= Mul512(t + 768, xl, xh); b6 ^= Mul512(t + 768, yl, yh); }
                if (T.N > 7) { a7 ^= Mul512(t + 896, xl, xh); b7 ^= Mul512(t + 896, yl, yh); }
            }
            a0.Store(o0 + off); b0.Store(o0 + off + 64);
            if (T.N > 1) { a1.Store(o1 + off); b1.Store(o1 + off + 64); }
            if (T.N > 2) { a2.Store(o2 + off); b2.Store(o2 + off + 64); }
            if (T.N > 3) { a3.Store(o3 + off); b3.Store(o3 + off + 64); }
            if (T.N > 4) { a4.Store(o4 + off); b4.Store(o4 + off + 64); }
            if (T.N > 5) { a5.Store(o5 + off); b5.Store(o5 + off + 64); }
            if (T.N > 6) { a6.Store(o6 + off); b6.Store(o6 + off + 64); }
            if (T.N > 7) { a7.Store(o7 + off); b7.Store(o7 + off + 64); }
        }
    }

    // ---------------------------------------------------------------- GFNI affine transform

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gfni512Kernel<T>(byte** inp, int n, byte** outp, byte* tab, nint rowStride, nint start, nint end)
        where T : struct, ICount
    {
        byte* o0 = outp[0];
        byte* o1 = T.N > 1 ? outp[1] : null;
        byte* o2 = T.N > 2 ? outp[2] : null;
        byte* o3 = T.N > 3 ? outp[3] : null;
        byte* o4 = T.N > 4 ? outp[4] : null;
        byte* o5 = T.N > 5 ? outp[5] : null;
        byte* o6 = T.N > 6 ? outp[6] : null;
        byte* o7 = T.N > 7 ? outp[7] : null;
        for (nint off = start; off < end; off += 128)
        {
            Vector512<byte> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector512<byte> a4 = default, a5 = default, a6 = default, a7 = default;
            Vector512<byte> b0 = default, b1 = default, b2 = default, b3 = default;
            Vector512<byte> b4 = default, b5 = default, b6 = default, b7 = default;
            byte* t = tab;
            for (int i = 0; i < n; i++, t += rowStride)
            {
                byte* src = inp[i] + off;
                var x = Vector512.Load(src);
                var y = Vector512.Load(src + 64);
                var m = Vector512.Load(t);
                a0 ^= Gfni.V512.GaloisFieldAffineTransform(x, m, 0); b0 ^= Gfni.V512.GaloisFieldAffineTransform(y, m, 0);
                if (T.N > 1) { m = Vector512.Load(t + 64); a1 ^= Gfni.V512.GaloisFieldAffineTransform(x, m, 0); b1 ^= Gfni.V512.GaloisFieldAffineTransform(y, m, 0); }
                if (T.N > 2) { m = Vector512.Load(t + 128); a2 ^= Gfni.V512.GaloisFieldAffineTransform(x, m, 0); b2 ^= Gfni.V512.GaloisFieldAffineTransform(y, m, 0); }
                if (T.N > 3) { m = Vector512.Load(t + 192); a3 ^= Gfni.V512.GaloisFieldAffineTransform(x, m, 0); b3 ^= Gfni.V512.GaloisFieldAffineTransform(y, m, 0); }
                if (T.N > 4) { m = Vector512.Load(t + 256); a4 ^= Gfni.V512.GaloisFieldAffineTransform(x, m, 0); b4 ^= Gfni.V512.GaloisFieldAffineTransform(y, m, 0); }
                if (T.N > 5) { m = Vector512.Load(t + 320); a5 ^= Gfni.V512.GaloisFieldAffineTransform(x, m, 0); b5 ^= Gfni.V512.GaloisFieldAffineTransform(y, m, 0); }
                if (T.N > 6) { m = Vector512.Load(t + 384); a6 ^= Gfni.V512.GaloisFieldAffineTransform(x, m, 0); b6 ^= Gfni.V512.GaloisFieldAffineTransform(y, m, 0); }
                if (T.N > 7) { m = Vector512.Load(t + 448); a7 ^= Gfni.V512.GaloisFieldAffineTransform(x, m, 0); b7 ^= Gfni.V512.GaloisFieldAffineTransform(y, m, 0); }
            }
            a0.Store(o0 + off); b0.Store(o0 + off + 64);
            if (T.N > 1) { a1.Store(o1 + off); b1.Store(o1 + off + 64); }
            if (T.N > 2) { a2.Store(o2 + off); b2.Store(o2 + off + 64); }
            if (T.N > 3) { a3.Store(o3 + off); b3.Store(o3 + off + 64); }
            if (T.N > 4) { a4.Store(o4 + off); b4.Store(o4 + off + 64); }
            if (T.N > 5) { a5.Store(o5 + off); b5.Store(o5 + off + 64); }
            if (T.N > 6) { a6.Store(o6 + off); b6.Store(o6 + off + 64); }
            if (T.N > 7) { a7.Store(o7 + off); b7.Store(o7 + off + 64); }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gfni256Kernel<T>(byte** inp, int n, byte** outp, byte* tab, nint rowStride, nint start, nint end)
        where T : struct, ICount
    {
        byte* o0 = outp[0];
        byte* o1 = T.N > 1 ? outp[1] : null;
        byte* o2 = T.N > 2 ? outp[2] : null;
        byte* o3 = T.N > 3 ? outp[3] : null;
        byte* o4 = T.N > 4 ? outp[4] : null;
        byte* o5 = T.N > 5 ? outp[5] : null;
        byte* o6 = T.N > 6 ? outp[6] : null;
        byte* o7 = T.N > 7 ? outp[7] : null;
        for (nint off = start; off < end; off += 64)
        {
            Vector256<byte> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<byte> a4 = default, a5 = default, a6 = default, a7 = default;
            Vector256<byte> b0 = default, b1 = default, b2 = default, b3 = default;
            Vector256<byte> b4 = default, b5 = default, b6 = default, b7 = default;
            byte* t = tab;
            for (int i = 0; i < n; i++, t += rowStride)
            {
                byte* src = inp[i] + off;
                var x = Vector256.Load(src);
                var y = Vector256.Load(src + 32);
                var m = Vector256.Load(t);
                a0 ^= Gfni.V256.GaloisFieldAffineTransform(x, m, 0); b0 ^= Gfni.V256.GaloisFieldAffineTransform(y, m, 0);
                if (T.N > 1) { m = Vector256.Load(t + 32); a1 ^= Gfni.V256.GaloisFieldAffineTransform(x, m, 0); b1 ^= Gfni.V256.GaloisFieldAffineTransform(y, m, 0); }
                if (T.N > 2) { m = Vector256.Load(t + 64); a2 ^= Gfni.V256.GaloisFieldAffineTransform(x, m, 0); b2 ^= Gfni.V256.GaloisFieldAffineTransform(y, m, 0); }
                if (T.N > 3) { m = Vector256.Load(t + 96); a3 ^= Gfni.V256.GaloisFieldAffineTransform(x, m, 0); b3 ^= Gfni.V256.GaloisFieldAffineTransform(y, m, 0); }
                if (T.N > 4) { m = Vector256.Load(t + 128); a4 ^= Gfni.V256.GaloisFieldAffineTransform(x, m, 0); b4 ^= Gfni.V256.GaloisFieldAffineTransform(y, m, 0); }
                if (T.N > 5) { m = Vector256.Load(t + 160); a5 ^= Gfni.V256.GaloisFieldAffineTransform(x, m, 0); b5 ^= Gfni.V256.GaloisFieldAffineTransform(y, m, 0); }
                if (T.N > 6) { m = Vector256.Load(t + 192); a6 ^= Gfni.V256.GaloisFieldAffineTransform(x, m, 0); b6 ^= Gfni.V256.GaloisFieldAffineTransform(y, m, 0); }
                if (T.N > 7) { m = Vector256.Load(t + 224); a7 ^= Gfni.V256.GaloisFieldAffineTransform(x, m, 0); b7 ^= Gfni.V256.GaloisFieldAffineTransform(y, m, 0); }
            }
            a0.Store(o0 + off); b0.Store(o0 + off + 32);
            if (T.N > 1) { a1.Store(o1 + off); b1.Store(o1 + off + 32); }
            if (T.N > 2) { a2.Store(o2 + off); b2.Store(o2 + off + 32); }
            if (T.N > 3) { a3.Store(o3 + off); b3.Store(o3 + off + 32); }
            if (T.N > 4) { a4.Store(o4 + off); b4.Store(o4 + off + 32); }
            if (T.N > 5) { a5.Store(o5 + off); b5.Store(o5 + off + 32); }
            if (T.N > 6) { a6.Store(o6 + off); b6.Store(o6 + off + 32); }
            if (T.N > 7) { a7.Store(o7 + off); b7.Store(o7 + off + 32); }
        }
    }
}
