using System.Text;

namespace Cairn.Auth.Internal;

/// <summary>
/// SigV4's URI encoding: every byte except A-Z a-z 0-9 - _ . ~ (and '/' in paths) becomes %XX with
/// uppercase hex over UTF-8. Raw input is percent-decoded first so that whatever escaping the client's
/// HTTP stack chose, both sides canonicalize the same bytes.
/// </summary>
internal static class AwsUriEncoding
{
    private const string UpperHex = "0123456789ABCDEF";

    /// <summary>Appends the canonical form of an already (possibly partly) percent-encoded component.</summary>
    public static void AppendCanonical(StringBuilder sb, ReadOnlySpan<char> raw, bool encodeSlash)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c == '%' && i + 2 < raw.Length && Hex.Value(raw[i + 1]) >= 0 && Hex.Value(raw[i + 2]) >= 0)
            {
                AppendByte(sb, (byte)((Hex.Value(raw[i + 1]) << 4) | Hex.Value(raw[i + 2])), encodeSlash);
                i += 2;
            }
            else if (c < 0x80)
            {
                // A stray '%' (not followed by two hex digits) is taken literally and becomes %25.
                AppendByte(sb, (byte)c, encodeSlash);
            }
            else
            {
                System.Text.Rune.DecodeFromUtf16(raw[i..], out var rune, out int consumed);
                int n = rune.EncodeToUtf8(utf8);
                for (int k = 0; k < n; k++) AppendByte(sb, utf8[k], encodeSlash);
                i += consumed - 1;
            }
        }
    }

    public static string Canonical(ReadOnlySpan<char> raw, bool encodeSlash)
    {
        var sb = new StringBuilder(raw.Length + 16);
        AppendCanonical(sb, raw, encodeSlash);
        return sb.ToString();
    }

    /// <summary>Encodes plain (unencoded) text.</summary>
    public static string Encode(string text, bool encodeSlash)
    {
        var sb = new StringBuilder(text.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(text)) AppendByte(sb, b, encodeSlash);
        return sb.ToString();
    }

    /// <summary>Percent-decodes to text ('+' stays '+': SigV4 clients encode spaces as %20).</summary>
    public static string Decode(ReadOnlySpan<char> raw)
    {
        if (raw.IndexOf('%') < 0) return raw.ToString();
        var bytes = new List<byte>(raw.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c == '%' && i + 2 < raw.Length && Hex.Value(raw[i + 1]) >= 0 && Hex.Value(raw[i + 2]) >= 0)
            {
                bytes.Add((byte)((Hex.Value(raw[i + 1]) << 4) | Hex.Value(raw[i + 2])));
                i += 2;
            }
            else
            {
                System.Text.Rune.DecodeFromUtf16(raw[i..], out var rune, out int consumed);
                int n = rune.EncodeToUtf8(utf8);
                for (int k = 0; k < n; k++) bytes.Add(utf8[k]);
                i += consumed - 1;
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static void AppendByte(StringBuilder sb, byte b, bool encodeSlash)
    {
        if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' || (b == (byte)'/' && !encodeSlash))
        {
            sb.Append((char)b);
        }
        else
        {
            sb.Append('%').Append(UpperHex[b >> 4]).Append(UpperHex[b & 0xF]);
        }
    }
}
