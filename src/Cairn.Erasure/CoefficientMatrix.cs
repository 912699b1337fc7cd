using System.Runtime.Intrinsics.X86;

namespace Cairn.Erasure;

/// <summary>
/// An r×n matrix over GF(2^8) (r outputs, n inputs) with the lookup tables its kernel path needs,
/// built once (per code, or per erasure pattern) and read-only afterwards.
/// </summary>
internal sealed unsafe class CoefficientMatrix
{
    public readonly int Rows;
    public readonly int Cols;
    /// <summary>Row-major: Coeffs[row * Cols + col] multiplies input col into output row.</summary>
    public readonly byte[] Coeffs;
    public readonly CodecPath Path;
    /// <summary>Whether the GFNI path uses 512-bit vectors.</summary>
    public readonly bool Wide;
    /// <summary>Bytes of table per coefficient.</summary>
    public readonly int Stride;
    /// <summary>Pinned tables, laid out input-major: entry (col, row) at (col * Rows + row) * Stride.</summary>
    private readonly byte[]? _tables;

    public CoefficientMatrix(byte[] coeffs, int rows, int cols, CodecPath path)
    {
        Rows = rows;
        Cols = cols;
        Coeffs = coeffs;
        Path = path;
        Wide = path == CodecPath.Gfni && Gfni.V512.IsSupported;
        Stride = path switch
        {
            CodecPath.Avx2 => 64,        // low-nibble table ×2, high-nibble table ×2
            CodecPath.Avx512 => 128,     // each nibble table ×4
            CodecPath.Gfni => Wide ? 64 : 32, // the 8-byte matrix broadcast
            _ => 0,
        };
        if (Stride == 0 || rows == 0 || cols == 0) return;

        _tables = GC.AllocateArray<byte>(rows * cols * Stride, pinned: true);
        Span<byte> lo = stackalloc byte[16];
        Span<byte> hi = stackalloc byte[16];
        for (int col = 0; col < cols; col++)
        {
            for (int row = 0; row < rows; row++)
            {
                byte c = coeffs[row * cols + col];
                var entry = _tables.AsSpan((col * rows + row) * Stride, Stride);
                if (path == CodecPath.Gfni)
                {
                    ulong a = GaloisField.AffineMatrix(c);
                    for (int q = 0; q < Stride; q += 8) BitConverter.TryWriteBytes(entry[q..], a);
                    continue;
                }
                for (int x = 0; x < 16; x++)
                {
                    lo[x] = GaloisField.Mul(c, (byte)x);
                    hi[x] = GaloisField.Mul(c, (byte)(x << 4));
                }
                int half = Stride / 2;
                for (int q = 0; q < half; q += 16)
                {
                    lo.CopyTo(entry[q..]);
                    hi.CopyTo(entry[(half + q)..]);
                }
            }
        }
    }

    /// <summary>Pointer to the pinned table of input 0, output row 0.</summary>
    public byte* Tables => _tables is null ? null : (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _tables[0]);
}
