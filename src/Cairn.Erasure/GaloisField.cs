namespace Cairn.Erasure;

/// <summary>GF(2^8) with the polynomial x^8+x^4+x^3+x^2+1 (0x11D), generator 2. Tables are built once and never change.</summary>
internal static class GaloisField
{
    public const int Polynomial = 0x11D;

    /// <summary>Exp[i] = 2^i, doubled in length so Exp[Log[a] + Log[b]] needs no modulo.</summary>
    public static readonly byte[] Exp = new byte[512];
    public static readonly byte[] Log = new byte[256];

    /// <summary>MulTable[a * 256 + b] = a·b.</summary>
    public static readonly byte[] MulTable = GC.AllocateArray<byte>(65536, pinned: true);

    static GaloisField()
    {
        int x = 1;
        for (int i = 0; i < 255; i++)
        {
            Exp[i] = (byte)x;
            Log[x] = (byte)i;
            x <<= 1;
            if ((x & 0x100) != 0) x ^= Polynomial;
        }
        for (int i = 255; i < 512; i++) Exp[i] = Exp[i - 255];
        for (int a = 1; a < 256; a++)
            for (int b = 1; b < 256; b++)
                MulTable[(a << 8) | b] = Exp[Log[a] + Log[b]];
    }

    public static byte Mul(byte a, byte b) => a == 0 || b == 0 ? (byte)0 : Exp[Log[a] + Log[b]];

    public static byte Inv(byte a)
    {
        if (a == 0) throw new DivideByZeroException("0 has no inverse in GF(2^8).");
        return Exp[255 - Log[a]];
    }

    /// <summary>
    /// The (k+m)×k systematic Cauchy generator: identity on top, then row k+p, column j = 1/((k+p) xor j).
    /// Every k×k submatrix of it is invertible. This is ISA-L's gf_gen_cauchy1_matrix.
    /// </summary>
    public static byte[] CauchyGenerator(int k, int m)
    {
        var a = new byte[(k + m) * k];
        for (int i = 0; i < k; i++) a[i * k + i] = 1;
        for (int i = k; i < k + m; i++)
            for (int j = 0; j < k; j++)
                a[i * k + j] = Inv((byte)(i ^ j));
        return a;
    }

    /// <summary>Inverts an n×n row-major matrix by Gauss–Jordan elimination. Throws when it is singular.</summary>
    public static byte[] Invert(ReadOnlySpan<byte> matrix, int n)
    {
        if (!TryInvert(matrix, n, out var inverse))
            throw new InvalidOperationException("Matrix is singular.");
        return inverse;
    }

    public static bool TryInvert(ReadOnlySpan<byte> matrix, int n, out byte[] inverse)
    {
        var a = matrix.ToArray();
        var inv = new byte[n * n];
        for (int i = 0; i < n; i++) inv[i * n + i] = 1;
        inverse = inv;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            while (pivot < n && a[pivot * n + col] == 0) pivot++;
            if (pivot == n) return false;
            if (pivot != col)
            {
                for (int j = 0; j < n; j++)
                {
                    (a[col * n + j], a[pivot * n + j]) = (a[pivot * n + j], a[col * n + j]);
                    (inv[col * n + j], inv[pivot * n + j]) = (inv[pivot * n + j], inv[col * n + j]);
                }
            }
            byte scale = Inv(a[col * n + col]);
            for (int j = 0; j < n; j++)
            {
                a[col * n + j] = Mul(a[col * n + j], scale);
                inv[col * n + j] = Mul(inv[col * n + j], scale);
            }
            for (int row = 0; row < n; row++)
            {
                if (row == col) continue;
                byte f = a[row * n + col];
                if (f == 0) continue;
                for (int j = 0; j < n; j++)
                {
                    a[row * n + j] ^= Mul(f, a[col * n + j]);
                    inv[row * n + j] ^= Mul(f, inv[col * n + j]);
                }
            }
        }
        return true;
    }

    /// <summary>The 8×8 bit matrix for GF2P8AFFINEQB that multiplies a byte by <paramref name="c"/> in this field.</summary>
    /// <remarks>Result bit i = parity(matrix byte (7−i) AND x); so byte (7−i) holds, at bit j, bit i of c·2^j.</remarks>
    public static ulong AffineMatrix(byte c)
    {
        ulong a = 0;
        for (int i = 0; i < 8; i++)
        {
            int row = 0;
            for (int j = 0; j < 8; j++)
                if (((Mul(c, (byte)(1 << j)) >> i) & 1) != 0) row |= 1 << j;
            a |= (ulong)row << (8 * (7 - i));
        }
        return a;
    }
}
