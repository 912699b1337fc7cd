using Cairn.Core.Errors;

namespace Cairn.Auth.Internal;

/// <summary>
/// Parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...". Components may be separated
/// by commas and/or whitespace in any order; none of their values can contain either.
/// </summary>
internal sealed record AuthorizationHeader(CredentialScope Credential, string[] SignedHeaders, string Signature)
{
    public const string UnsupportedMechanism =
        "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.";

    public static AuthorizationHeader Parse(string header)
    {
        var value = header.AsSpan().Trim();
        int space = value.IndexOfAny(' ', '\t');
        var algorithm = space < 0 ? value : value[..space];
        if (!algorithm.SequenceEqual(SigV4Constants.Algorithm))
        {
            // SigV2 ("AWS AKID:sig") and SigV4a are recognisable but not served.
            if (algorithm.SequenceEqual("AWS") || algorithm.StartsWith("AWS4-"))
                throw new S3Exception(S3ErrorCode.InvalidRequest, UnsupportedMechanism);
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Unsupported Authorization Type");
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (var range in value[algorithm.Length..].SplitAny(", \t"))
        {
            var part = value[algorithm.Length..][range];
            if (part.IsEmpty) continue;
            int eq = part.IndexOf('=');
            if (eq <= 0) throw Malformed("the authorization component \"" + part.ToString() + "\" is malformed.");
            var key = part[..eq];
            var val = part[(eq + 1)..].ToString();
            if (key.SequenceEqual("Credential")) Set(ref credential, val, "Credential");
            else if (key.SequenceEqual("SignedHeaders")) Set(ref signedHeaders, val, "SignedHeaders");
            else if (key.SequenceEqual("Signature")) Set(ref signature, val, "Signature");
            else throw Malformed("the authorization component \"" + part.ToString() + "\" is malformed.");
        }

        if (credential is null) throw Malformed("missing Credential.");
        if (signedHeaders is null) throw Malformed("missing SignedHeaders.");
        if (signature is null) throw Malformed("missing Signature.");
        if (!CredentialScope.TryParse(credential, out var scope))
        {
            throw Malformed("the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        }
        var headers = ParseSignedHeaders(signedHeaders) ?? throw Malformed("the SignedHeaders are malformed.");
        if (signature.Length != 64 || !Hex.IsHex(signature)) throw Malformed("the Signature is malformed.");
        return new AuthorizationHeader(scope, headers, signature);
    }

    /// <summary>Lowercase names separated by ';'. Null when malformed.</summary>
    public static string[]? ParseSignedHeaders(string value)
    {
        if (value.Length == 0) return null;
        var names = value.Split(';');
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (name.Length == 0 || !seen.Add(name)) return null;
            foreach (var c in name)
            {
                if (c <= ' ' || c >= 0x7F || c is ':' or ',' || char.IsAsciiLetterUpper(c)) return null;
            }
        }
        return names;
    }

    private static void Set(ref string? slot, string value, string name)
    {
        if (slot is not null) throw Malformed("duplicate " + name + ".");
        slot = value;
    }

    private static S3Exception Malformed(string why) =>
        new(S3ErrorCode.AuthorizationHeaderMalformed, "The authorization header is malformed; " + why);
}
