using System.Runtime.InteropServices;

namespace Cairn.Erasure.Benchmarks;

/// <summary>Intel ISA-L (Debian libisal2) erasure-code entry points, for comparison only.</summary>
internal static unsafe partial class IsaL
{
    private const string Lib = "libisal.so.2";

    /// <summary>Systematic Cauchy matrix: <paramref name="rows"/> = k + m rows of k columns, identity on top.</summary>
    [LibraryImport(Lib, EntryPoint = "gf_gen_cauchy1_matrix")]
    public static partial void GenCauchy1Matrix(byte* a, int rows, int k);

    [LibraryImport(Lib, EntryPoint = "gf_invert_matrix")]
    public static partial int InvertMatrix(byte* input, byte* output, int n);

    /// <summary>Expands rows×k coefficients into 32-byte tables per coefficient (gftbls: k·rows·32 bytes).</summary>
    [LibraryImport(Lib, EntryPoint = "ec_init_tables")]
    public static partial void InitTables(int k, int rows, byte* a, byte* gftbls);

    [LibraryImport(Lib, EntryPoint = "ec_encode_data")]
    public static partial void EncodeData(int len, int k, int rows, byte* gftbls, byte** data, byte** coding);
}
