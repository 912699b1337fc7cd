using System.Security.Cryptography;
using System.Text;

namespace Cairn.Auth.Internal;

/// <summary>Builds the SigV4 canonical request and string to sign; shared by the signer and the verifier.</summary>
internal static class CanonicalRequest
{
    public static string Build(string method, string canonicalUri, string canonicalQuery,
        IReadOnlyList<(string Name, string Value)> headers, string payloadHash)
    {
        var sb = new StringBuilder(256);
        sb.Append(method).Append('\n')
          .Append(canonicalUri).Append('\n')
          .Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in headers)
        {
            sb.Append(name).Append(':');
            AppendHeaderValue(sb, value);
            sb.Append('\n');
        }
        sb.Append('\n');
        for (int i = 0; i < headers.Count; i++)
        {
            if (i > 0) sb.Append(';');
            sb.Append(headers[i].Name);
        }
        sb.Append('\n').Append(payloadHash);
        return sb.ToString();
    }

    /// <summary>The canonical URI of a raw (escaped) path: decoded and re-encoded, no dot-segment or slash normalization.</summary>
    public static string CanonicalUri(ReadOnlySpan<char> rawPath) =>
        rawPath.IsEmpty ? "/" : AwsUriEncoding.Canonical(rawPath, encodeSlash: false);

    /// <summary>Trims the value and collapses runs of whitespace to one space, as SigV4 requires.</summary>
    public static void AppendHeaderValue(StringBuilder sb, ReadOnlySpan<char> value)
    {
        value = value.Trim();
        bool inSpace = false;
        foreach (var c in value)
        {
            if (c is ' ' or '\t')
            {
                if (!inSpace) sb.Append(' ');
                inSpace = true;
            }
            else
            {
                sb.Append(c);
                inSpace = false;
            }
        }
    }

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        SigV4Constants.Algorithm + "\n" + amzDate + "\n" + scope + "\n" + Sha256Hex(canonicalRequest);

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
