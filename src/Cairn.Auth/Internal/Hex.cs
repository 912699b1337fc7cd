namespace Cairn.Auth.Internal;

/// <summary>Allocation-free hex for signatures (ASCII bytes or chars).</summary>
internal static class Hex
{
    private static ReadOnlySpan<byte> Lower => "0123456789abcdef"u8;

    public static void EncodeLower(ReadOnlySpan<byte> source, Span<byte> utf8Destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            utf8Destination[2 * i] = Lower[source[i] >> 4];
            utf8Destination[2 * i + 1] = Lower[source[i] & 0xF];
        }
    }

    /// <summary>Decodes exactly 2×destination.Length hex digits (either case).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> hex, Span<byte> destination)
    {
        if (hex.Length != destination.Length * 2) return false;
        for (int i = 0; i < destination.Length; i++)
        {
            int hi = Value(hex[2 * i]), lo = Value(hex[2 * i + 1]);
            if ((hi | lo) < 0) return false;
            destination[i] = (byte)((hi << 4) | lo);
        }
        return true;
    }

    public static bool TryDecode(ReadOnlySpan<char> hex, Span<byte> destination)
    {
        if (hex.Length != destination.Length * 2) return false;
        for (int i = 0; i < destination.Length; i++)
        {
            int hi = Value(hex[2 * i]), lo = Value(hex[2 * i + 1]);
            if ((hi | lo) < 0) return false;
            destination[i] = (byte)((hi << 4) | lo);
        }
        return true;
    }

    public static bool IsHex(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (Value(c) < 0) return false;
        }
        return true;
    }

    public static int Value(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
