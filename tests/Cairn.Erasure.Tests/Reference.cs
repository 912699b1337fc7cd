namespace Cairn.Erasure.Tests;

/// <summary>A deliberately plain Reed–Solomon reference: bitwise GF(2^8) arithmetic and matrix × vector.</summary>
internal static class Reference
{
    /// <summary>Carry-less multiply then reduce by x^8+x^4+x^3+x^2+1, one bit at a time.</summary>
    public static byte Mul(byte a, byte b)
    {
        int product = 0;
        for (int bit = 0; bit < 8; bit++)
            if (((b >> bit) & 1) != 0) product ^= a << bit;
        for (int bit = 15; bit >= 8; bit--)
            if (((product >> bit) & 1) != 0) product ^= 0x11D << (bit - 8);
        return (byte)product;
    }

    /// <summary>Inverse by exhaustive search.</summary>
    public static byte Inv(byte a)
    {
        for (int x = 1; x < 256; x++)
            if (Mul(a, (byte)x) == 1) return (byte)x;
        throw new DivideByZeroException();
    }

    /// <summary>Parity row p, column j of the systematic Cauchy code: 1 / ((k + p) xor j).</summary>
    public static byte ParityCoefficient(int k, int p, int j) => Inv((byte)((k + p) ^ j));

    /// <summary>parity[p][x] = Σ_j coeff(p, j) · data[j][x].</summary>
    public static byte[][] Encode(byte[][] data, int m)
    {
        int k = data.Length, len = data[0].Length;
        var parity = new byte[m][];
        for (int p = 0; p < m; p++)
        {
            var row = new byte[k];
            for (int j = 0; j < k; j++) row[j] = ParityCoefficient(k, p, j);
            // Products by each coefficient, tabulated with the bitwise multiply.
            var products = new byte[k, 256];
            for (int j = 0; j < k; j++)
                for (int v = 0; v < 256; v++) products[j, v] = Mul(row[j], (byte)v);
            parity[p] = new byte[len];
            for (int x = 0; x < len; x++)
            {
                byte acc = 0;
                for (int j = 0; j < k; j++) acc ^= products[j, data[j][x]];
                parity[p][x] = acc;
            }
        }
        return parity;
    }
}
